import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { startTestApp, type TestApp } from '../support/test-app';

// The rest of the ticket pages' actions in the JSON API, with the same rules: assign, tags,
// custom fields, star, watch, delete and restore, bulk, and the caller lookup — scopes and
// permissions checked, stale versions refused, invisible tickets not found.

describe('ticket actions in the API', () => {
  let app: TestApp;
  let agent: string;
  let lead: string;
  let client: string;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('api-admin', 'api actions password');
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['api-agent', ['agent']], ['api-lead', ['group_lead']], ['api-client', ['requester']]] as const) await people.create({ username, roles: [...roles], email: `${username}@example.com` });
    const groups = app.app.get(WorkGroupService);
    const desk = await groups.create(admin, { name: 'API desk', active: true });
    for (const login of ['api-agent', 'api-lead']) await groups.addMember(admin, desk.id, login);
    await db().query(`UPDATE users SET phone = '+7 900 111-22-33' WHERE username = 'api-client'`);
    const token = async (login: string, scopes: string[]) => {
      const [{ id }] = await db().query(`SELECT id FROM users WHERE username = $1`, [login]);
      return (await app.app.get(ApiTokenService).create(id, { name: 't', scopes: scopes as never })).token;
    };
    agent = await token('api-agent', ['tickets:read', 'tickets:write']);
    lead = await token('api-lead', ['tickets:read', 'tickets:write']);
    client = await token('api-client', ['tickets:read', 'tickets:write']);
  });
  afterAll(() => app.stop());

  const api = (token: string) => ({
    post: (path: string) => request(app.url).post(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
    get: (path: string) => request(app.url).get(`/api/v1${path}`).set('Authorization', `Bearer ${token}`),
  });

  it('assigns, tags, stars and watches with the same rules as the pages', async () => {
    const ticket = (await api(client).post('/tickets').send({ type: 'incident', subject: 'Через API' }).expect(201)).body;
    const assigned = await api(agent).post(`/tickets/${ticket.ref}/assign`).send({ group: 'API desk', assignee: 'api-agent', version: ticket.version }).expect(201);
    expect(assigned.body).toMatchObject({ group: 'API desk', assignee: 'api-agent' });
    await api(agent).post(`/tickets/${ticket.ref}/assign`).send({ group: 'API desk', version: ticket.version }).expect(409);
    const tagged = await api(agent).post(`/tickets/${ticket.ref}/tags`).send({ tags: 'api, срочно', version: assigned.body.version }).expect(201);
    expect(await db().query(`SELECT tags FROM tickets`)).toEqual([{ tags: ['api', 'срочно'] }]);
    await api(agent).post(`/tickets/${ticket.ref}/fields`).send({ custom: {}, version: tagged.body.version }).expect(201);
    await api(client).post(`/tickets/${ticket.ref}/star`).send({ on: true }).expect(204);
    expect((await api(client).get('/tickets?queue=starred').expect(200)).body.items.map((item: { ref: string }) => item.ref)).toEqual([ticket.ref]);
    await api(agent).post(`/tickets/${ticket.ref}/watch`).send({ on: true }).expect(204);
    await api(client).post(`/tickets/${ticket.ref}/watch`).send({ on: true }).expect(403);
    await api(client).post(`/tickets/${ticket.ref}/assign`).send({ group: 'API desk', version: 9 }).expect(403);
  });

  it('deletes and restores only with the right, and applies bulk actions ticket by ticket', async () => {
    const one = (await api(client).post('/tickets').send({ type: 'incident', subject: 'Один' }).expect(201)).body;
    const two = (await api(client).post('/tickets').send({ type: 'incident', subject: 'Два' }).expect(201)).body;
    await api(agent).post(`/tickets/${one.ref}/delete`).send({ version: one.version }).expect(403);
    await api(lead).post(`/tickets/${one.ref}/delete`).send({ version: one.version }).expect(204);
    await api(lead).get(`/tickets/${one.ref}`).expect(404);
    expect((await api(lead).post(`/tickets/${one.ref}/restore`).send({}).expect(201)).body.ref).toBe(one.ref);
    const outcome = await api(agent).post('/tickets/bulk').send({ refs: [one.ref, two.ref, 'INC-9999'], action: 'status', value: 'in_progress' }).expect(200);
    expect(outcome.body).toEqual({ done: [one.ref, two.ref], skipped: [{ ref: 'INC-9999', reason: 'not_found' }] });
    await api(agent).post('/tickets/bulk').send({ refs: [one.ref], action: 'explode' }).expect(400);
  });

  it('keeps custom fields, templates and schedules for administrators, and each agent\'s own tools', async () => {
    const [{ id: adminId }] = await db().query(`SELECT id FROM users WHERE username = 'api-admin'`);
    const adminToken = (await app.app.get(ApiTokenService).create(adminId, { name: 'a', scopes: ['services:read', 'services:write'] })).token;
    const field = await api(adminToken).post('/ticket-setup/fields').send({ key: 'room', label: 'Кабинет', kind: 'text' }).expect(201);
    expect(field.body).toMatchObject({ key: 'room', kind: 'text', active: true });
    await api(adminToken).post('/ticket-setup/fields').send({ key: 'Bad Key', label: 'x', kind: 'text' }).expect(400);
    const template = await api(adminToken).post('/ticket-setup/templates').send({ name: 'Пропуск', type: 'service_request', subject: 'Пропуск для гостя', group: 'API desk' }).expect(201);
    await api(adminToken).post(`/ticket-setup/templates/${template.body.id}/schedules`).send({ requester: 'api-client', cron: '0 8 * * 1-5', timeZone: 'Asia/Tashkent' }).expect(204);
    expect((await api(adminToken).get('/ticket-setup/schedules').expect(200)).body).toHaveLength(1);
    await api(agent).get('/ticket-setup/fields').expect(403);

    await api(agent).post('/my/reply-templates').send({ name: 'Привет', body: 'Здравствуйте, {{requester.name}}!', shared: true }).expect(204);
    await api(agent).post('/my/signature').send({ signature: 'Служба поддержки' }).expect(204);
    await api(agent).post('/my/saved-filters').send({ name: 'Мои срочные', params: { queue: 'mine', priority: '1' } }).expect(204);
    expect((await api(lead).get('/my/reply-templates').expect(200)).body.map((t: { name: string }) => t.name)).toEqual(['Привет']);
    expect((await api(agent).get('/my/saved-filters').expect(200)).body).toMatchObject([{ name: 'Мои срочные', params: { queue: 'mine', priority: '1' } }]);
    await api(client).get('/my/reply-templates').expect(403);
  });

  it('finds a caller for staff only', async () => {
    const found = await api(agent).get(`/callers?q=${encodeURIComponent('900 111 22 33')}`).expect(200);
    expect(found.body.map((caller: { username: string }) => caller.username)).toEqual(['api-client']);
    expect(found.body[0].recent.length).toBeGreaterThan(0);
    expect(found.body[0]).not.toHaveProperty('id');
    await api(client).get('/callers?q=api').expect(403);
  });
});
