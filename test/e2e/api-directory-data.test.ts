import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import type { ApiScope } from '../../src/identity/tokens/api-scopes';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { startTestApp, type TestApp } from '../support/test-app';

// Work groups, organisations and people through /api/v1 with personal tokens, on PostgreSQL:
// the same rules as the admin pages, scopes that narrow, and refusals as JSON.

const PASSWORD = 'api directory data password';

describe('JSON API for groups, organisations and people', () => {
  let app: TestApp;
  let adminId: string;
  let agentId: string;
  let adminToken: string;
  const tokenFor = async (userId: string, scopes: ApiScope[]) => (await app.app.get(ApiTokenService).create(userId, { name: 'test', scopes })).token;
  const api = (token: string) => ({
    get: (path: string) => request(app.url).get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string, body: object) => request(app.url).post(path).set('Authorization', `Bearer ${token}`).send(body),
    patch: (path: string, body: object) => request(app.url).patch(path).set('Authorization', `Bearer ${token}`).send(body),
    delete: (path: string) => request(app.url).delete(path).set('Authorization', `Bearer ${token}`),
  });
  const sql = (text: string, params: unknown[] = []) => app.boot.database.dataSource.query(text, params);

  beforeAll(async () => {
    app = await startTestApp('postgres');
    adminId = (await app.app.get(AuthService).createAdmin('api-data-admin', PASSWORD)).id;
    agentId = (await app.app.get(UserAdminService).create({ username: 'анна', roles: ['agent'], password: PASSWORD })).id;
    adminToken = await tokenFor(adminId, ['groups:read', 'groups:write', 'organisations:read', 'organisations:write', 'users:read', 'users:write']);
  });
  afterAll(() => app.stop());

  describe('work groups', () => {
    let groupId: string;

    it('creates a group with a lead, lists and reads it', async () => {
      const created = await api(adminToken).post('/api/v1/groups', { name: 'Вторая линия', description: 'Сети', lead: 'анна' }).expect(201);
      groupId = created.body.id;
      expect(created.body).toMatchObject({ name: 'Вторая линия', active: true, lead: { id: agentId, username: 'анна' }, members: [{ username: 'анна' }] });
      const list = await api(adminToken).get(`/api/v1/groups?q=${encodeURIComponent('втор')}`).expect(200);
      expect(list.body).toEqual({ items: [expect.objectContaining({ id: groupId, members: 1 })], nextCursor: null });
    });

    it('changes only what is sent', async () => {
      const changed = await api(adminToken).patch(`/api/v1/groups/${groupId}`, { email: 'line2@example.test' }).expect(200);
      expect(changed.body).toMatchObject({ name: 'Вторая линия', description: 'Сети', email: 'line2@example.test', lead: { username: 'анна' } });
    });

    it('adds and removes members', async () => {
      const admin = await api(adminToken).post(`/api/v1/groups/${groupId}/members`, { username: 'API-DATA-ADMIN' }).expect(201);
      expect(admin.body).toEqual({ id: adminId, username: 'api-data-admin', displayName: 'api-data-admin' });
      await api(adminToken).delete(`/api/v1/groups/${groupId}/members/${agentId}`).expect(204);
      const after = await api(adminToken).get(`/api/v1/groups/${groupId}`).expect(200);
      expect(after.body).toMatchObject({ lead: null, members: [{ username: 'api-data-admin' }] });
      await api(adminToken).delete(`/api/v1/groups/${groupId}/members/${agentId}`).expect(404);
    });

    it('refuses a duplicate name and an unknown lead with JSON errors', async () => {
      const duplicate = await api(adminToken).post('/api/v1/groups', { name: 'ВТОРАЯ ЛИНИЯ' }).expect(409);
      expect(duplicate.body).toMatchObject({ code: 'name_taken' });
      const lead = await api(adminToken).post('/api/v1/groups', { name: 'Третья', lead: 'nobody' }).expect(400);
      expect(lead.body.code).toBeDefined();
      await api(adminToken).get('/api/v1/groups/00000000-0000-0000-0000-000000000000').expect(404);
      await api(adminToken).get('/api/v1/groups/not-a-uuid').expect(400);
    });
  });

  describe('organisations', () => {
    it('creates one with an IDN mail domain, adds a department tree and a location', async () => {
      const created = await api(adminToken).post('/api/v1/organisations', { name: 'АО Пример', code: 'PRM', emailDomains: ['пример.рф'] }).expect(201);
      expect(created.body).toMatchObject({ code: 'PRM', emailDomains: ['xn--e1afmkfd.xn--p1ai'], departments: [], locations: [] });
      const id = created.body.id as string;
      const top = await api(adminToken).post(`/api/v1/organisations/${id}/departments`, { name: 'ИТ' }).expect(201);
      const parentId = top.body.departments[0].id as string;
      const nested = await api(adminToken).post(`/api/v1/organisations/${id}/departments`, { name: 'Поддержка', parentId }).expect(201);
      expect(nested.body.departments.map((d: { name: string; depth: number }) => [d.name, d.depth])).toEqual([['ИТ', 0], ['Поддержка', 1]]);
      const located = await api(adminToken).post(`/api/v1/organisations/${id}/locations`, { name: 'Главный офис', address: 'Ташкент' }).expect(201);
      expect(located.body.locations).toEqual([expect.objectContaining({ name: 'Главный офис', address: 'Ташкент' })]);
      const patched = await api(adminToken).patch(`/api/v1/organisations/${id}`, { active: false }).expect(200);
      expect(patched.body).toMatchObject({ name: 'АО Пример', code: 'PRM', active: false });
      const list = await api(adminToken).get('/api/v1/organisations?q=prm').expect(200);
      expect(list.body.items.map((o: { name: string }) => o.name)).toEqual(['АО Пример']);
    });
  });

  describe('people', () => {
    it('creates a person and changes their roles and organisation, auditing the roles as an API change', async () => {
      const created = await api(adminToken).post('/api/v1/users', { username: 'борис', roles: ['requester'], password: 'a long enough password' }).expect(201);
      expect(created.body).toMatchObject({ username: 'борис', roles: ['requester'], fromDirectory: false, organisationId: null });
      const changed = await api(adminToken).patch(`/api/v1/users/${created.body.id}`, { roles: ['agent', 'specialist'], organisation: 'PRM', department: 'ИТ' }).expect(200);
      expect(changed.body).toMatchObject({ roles: ['agent', 'specialist'], organisationId: expect.any(String), departmentId: expect.any(String) });
      const [audit] = await sql(`SELECT details->>'source' AS source, actor_id FROM audit_events WHERE event = 'user.role.changed' AND subject = 'борис'`);
      expect(audit).toEqual({ source: 'api', actor_id: adminId });
    });

    it('keeps the last administrator', async () => {
      await sql(`UPDATE users SET active = false WHERE username = 'admin'`);
      const refused = await api(adminToken).patch(`/api/v1/users/${adminId}`, { active: false }).expect(409);
      expect(refused.body).toMatchObject({ code: 'last_administrator' });
    });

    it('refuses unknown roles in the request body', async () => {
      await api(adminToken).post('/api/v1/users', { username: 'x1', roles: ['wizard'] }).expect(400);
    });
  });

  describe('scopes and permissions', () => {
    it('needs the matching scope even for an administrator', async () => {
      const readOnly = await tokenFor(adminId, ['groups:read']);
      await api(readOnly).get('/api/v1/groups').expect(200);
      const refused = await api(readOnly).post('/api/v1/groups', { name: 'Без права' }).expect(403);
      expect(refused.body).toMatchObject({ code: 'token_scope_missing' });
      await api(readOnly).get('/api/v1/organisations').expect(403);
    });

    it('never lets a scope grant what the person lacks', async () => {
      const agentToken = await tokenFor(agentId, ['groups:read', 'groups:write', 'users:write']);
      await api(agentToken).get('/api/v1/groups').expect(403);
      await api(agentToken).patch(`/api/v1/users/${agentId}`, { roles: ['administrator'] }).expect(403);
    });

    it('stops working once revoked', async () => {
      const token = await tokenFor(adminId, ['groups:read']);
      const [{ id }] = await sql(`SELECT id FROM api_tokens ORDER BY created_at DESC LIMIT 1`);
      await app.app.get(ApiTokenService).revoke({ id: adminId, username: 'api-data-admin', displayName: '', roles: ['administrator'], isAdmin: true, locale: null, timeZone: null }, id);
      await api(token).get('/api/v1/groups').expect(401);
    });

    it('documents the new endpoints in OpenAPI', async () => {
      const doc = await request(app.url).get('/api/docs-json').expect(200);
      for (const path of ['/api/v1/groups', '/api/v1/groups/{id}', '/api/v1/groups/{id}/members', '/api/v1/organisations', '/api/v1/organisations/{id}/departments', '/api/v1/users/{id}']) {
        expect(Object.keys(doc.body.paths)).toContain(path);
      }
      expect(doc.body.paths['/api/v1/users/{id}'].patch).toBeDefined();
    });
  });
});
