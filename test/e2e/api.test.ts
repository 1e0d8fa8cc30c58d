import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { RequestMethod } from '@nestjs/common';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { SCOPE_KEY } from '../../src/identity/tokens/api-scope';
import { API_SCOPE_NAMES, type ApiScope } from '../../src/identity/tokens/api-scopes';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { DatabaseService } from '../../src/kernel/database/database.service';
import { launchBrowser, screenshot } from '../harness/browser';
import { eventually, isReady, processEnv, runCli, spawnApp, type AppProcess } from '../support/app-process';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'api test password long';

describe('JSON API with personal tokens on PostgreSQL', () => {
  let app: TestApp;
  let adminId: string;
  let agentId: string;

  const tokens = () => app.app.get(ApiTokenService);
  const sql = (text: string, params: unknown[] = []) => app.app.get(DatabaseService).dataSource.query(text, params);
  const tokenFor = async (userId: string, scopes: readonly ApiScope[] = API_SCOPE_NAMES, name = 'test') =>
    (await tokens().create(userId, { name, scopes })).token;
  const get = (path: string, token?: string) => {
    const req = request(app.url).get(path);
    return token ? req.set('Authorization', `Bearer ${token}`) : req;
  };

  beforeAll(async () => {
    app = await startTestApp('postgres');
    adminId = (await app.app.get(AuthService).createAdmin('api-admin', PASSWORD)).id;
    agentId = (await app.app.get(UserAdminService).create({ username: 'api-agent', roles: ['agent'], password: PASSWORD })).id;
  });
  afterAll(() => app.stop());

  describe('authentication', () => {
    it('answers GET /api/v1/me for a token made by the service, and notes its use', async () => {
      const token = await tokenFor(agentId, ['users:read']);
      const me = await get('/api/v1/me', token).expect(200);
      expect(me.body).toMatchObject({ id: agentId, username: 'api-agent', roles: ['agent'], scopes: ['users:read'] });
      expect(me.body).not.toHaveProperty('passwordHash');
      const [row] = await sql(`SELECT last_used_at, token_hash FROM api_tokens WHERE user_id = $1`, [agentId]);
      expect(row.last_used_at).not.toBeNull();
      expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(await sql(`SELECT * FROM api_tokens`))).not.toContain(token.slice(6));
    });

    it('refuses a wrong token with 401 JSON and a request id, not a redirect', async () => {
      for (const header of [`Bearer opora_${'x'.repeat(43)}`, 'Bearer nonsense', 'Basic YTpi']) {
        const res = await request(app.url).get('/api/v1/me').set('Authorization', header).expect(401);
        expect(res.headers['content-type']).toMatch(/json/);
        expect(res.headers['www-authenticate']).toContain('Bearer');
        expect(res.body).toEqual({ code: 'token_invalid', message: expect.stringContaining('token'), requestId: expect.stringMatching(/^[\w-]{36}$/) });
      }
    });

    it('answers 401 JSON without any credentials', async () => {
      const res = await get('/api/v1/users').expect(401);
      expect(res.body).toMatchObject({ code: 'unauthenticated', requestId: expect.any(String) });
      expect(res.headers.location).toBeUndefined();
    });

    it('refuses a revoked token', async () => {
      const token = await tokenFor(agentId);
      await get('/api/v1/me', token).expect(200);
      const [{ id }] = await sql(`SELECT id FROM api_tokens WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [token]);
      await request(app.url).delete(`/api/v1/tokens/${id}`).set('Authorization', `Bearer ${token}`).expect(204);
      const res = await get('/api/v1/me', token).expect(401);
      expect(res.body.code).toBe('token_invalid');
    });

    it('refuses an expired token', async () => {
      const token = await tokenFor(agentId, ['users:read'], 'short-lived');
      await get('/api/v1/me', token).expect(200);
      await sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE name = 'short-lived'`);
      await get('/api/v1/me', token).expect(401);
    });

    it("refuses a deactivated person's token", async () => {
      const person = await app.app.get(UserAdminService).create({ username: 'api-leaver' });
      const token = await tokenFor(person.id);
      await get('/api/v1/me', token).expect(200);
      await sql(`UPDATE users SET active = false WHERE id = $1`, [person.id]);
      await get('/api/v1/me', token).expect(401);
    });

    it('does not fall back to the session when the token is bad', async () => {
      const agent = await signedInAgent(app.url, 'api-agent', PASSWORD);
      await agent.get('/api/v1/me').expect(200);
      await agent.get('/api/v1/me').set('Authorization', 'Bearer opora_wrong').expect(401);
    });

    it('ignores tokens outside /api/v1: pages still want a session', async () => {
      const token = await tokenFor(adminId);
      const res = await get('/', token).expect(303);
      expect(res.headers.location).toMatch(/^\/login/);
    });
  });

  describe('scopes and permissions', () => {
    it('refuses a token lacking the route\'s scope with 403', async () => {
      const token = await tokenFor(adminId, ['tokens:read']);
      const res = await get('/api/v1/users', token).expect(403);
      expect(res.body).toMatchObject({ code: 'token_scope_missing', message: expect.stringContaining('users:read') });
      await get('/api/v1/me', token).expect(200);
    });

    it('keeps the owner\'s permissions: a scope never grants more', async () => {
      const token = await tokenFor(agentId, ['users:read']);
      const res = await get('/api/v1/users', token).expect(403);
      expect(res.body.code).toBe('forbidden');
    });

    it('shows a person themselves, and others as missing unless the caller may see everyone', async () => {
      const agentToken = await tokenFor(agentId, ['users:read']);
      await get(`/api/v1/users/${agentId}`, agentToken).expect(200);
      const hidden = await get(`/api/v1/users/${adminId}`, agentToken).expect(404);
      const missing = await get('/api/v1/users/00000000-0000-4000-8000-000000000000', agentToken).expect(404);
      expect(hidden.body.code).toBe(missing.body.code);
      expect(hidden.body.message).toBe(missing.body.message);
      const adminToken = await tokenFor(adminId, ['users:read']);
      const seen = await get(`/api/v1/users/${agentId}`, adminToken).expect(200);
      expect(seen.body).toMatchObject({ id: agentId, username: 'api-agent', active: true });
      await get('/api/v1/users/00000000-0000-4000-8000-000000000000', adminToken).expect(404);
      await get('/api/v1/users/not-a-uuid', adminToken).expect(400);
    });
  });

  describe('/api/v1/tokens', () => {
    it('creates a token with a bearer token and no CSRF token; the new secret works and is never listed', async () => {
      const token = await tokenFor(agentId, ['tokens:read', 'tokens:write', 'users:read']);
      const created = await request(app.url)
        .post('/api/v1/tokens')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'made by a token', scopes: ['users:read'] })
        .expect(201);
      expect(created.body).toMatchObject({ name: 'made by a token', scopes: ['users:read'], token: expect.stringMatching(/^opora_[\w-]{43}$/) });
      expect(created.body.prefix).toBe(created.body.token.slice(0, 14));
      const me = await get('/api/v1/me', created.body.token).expect(200);
      expect(me.body.scopes).toEqual(['users:read']);

      const list = await get('/api/v1/tokens', token).expect(200);
      expect(list.body.items.map((item: { name: string }) => item.name)).toContain('made by a token');
      expect(JSON.stringify(list.body)).not.toContain(created.body.token.slice(6));
      expect(JSON.stringify(list.body)).not.toContain(token.slice(6));
    });

    it('never lets a token create a token with more scopes than its own', async () => {
      const token = await tokenFor(agentId, ['tokens:write']);
      const res = await request(app.url)
        .post('/api/v1/tokens')
        .set('Authorization', `Bearer ${token}`)
        .send({ name: 'escalation', scopes: ['tokens:write', 'users:read'] })
        .expect(403);
      expect(res.body.code).toBe('token_scope_exceeds');
    });

    it('checks the input: unknown scopes, extra fields, past expiry', async () => {
      const token = await tokenFor(agentId);
      const post = (body: object) => request(app.url).post('/api/v1/tokens').set('Authorization', `Bearer ${token}`).send(body);
      expect((await post({ name: 'x', scopes: ['root'] }).expect(400)).body.code).toBe('invalid_input');
      expect((await post({ name: 'x', scopes: ['users:read'], userId: adminId }).expect(400)).body.code).toBe('invalid_input');
      expect((await post({ name: 'x', scopes: ['users:read'], expiresAt: '2001-01-01T00:00:00Z' }).expect(400)).body.code).toBe('token_expiry_past');
      const later = new Date(Date.now() + 86_400_000).toISOString();
      expect((await post({ name: 'dated', scopes: ['users:read'], expiresAt: later }).expect(201)).body.expiresAt).toBe(later);
    });

    it('wants a CSRF token for the same POST made with a session cookie', async () => {
      const agent = await signedInAgent(app.url, 'api-agent', PASSWORD);
      const refused = await agent.post('/api/v1/tokens').send({ name: 'from the browser', scopes: ['users:read'] }).expect(403);
      expect(refused.body.code).toBe('csrf_invalid');
      const page = await agent.get('/profile').expect(200);
      const made = await agent
        .post('/api/v1/tokens')
        .set('X-CSRF-Token', csrfOf(page.text))
        .send({ name: 'from the browser', scopes: ['users:read'] })
        .expect(201);
      expect(made.body.token).toMatch(/^opora_/);
      // Sessions are not limited by scopes, and the session's list shows the new token.
      const list = await agent.get('/api/v1/tokens').expect(200);
      expect(list.body.items.map((item: { id: string }) => item.id)).toContain(made.body.id);
    });

    it("answers another person's token id like a missing one, and leaves it working", async () => {
      const adminToken = await tokenFor(adminId, ['users:read'], 'admin-own');
      const [{ id }] = await sql(`SELECT id FROM api_tokens WHERE token_hash = encode(sha256($1::bytea), 'hex')`, [adminToken]);
      const agentToken = await tokenFor(agentId, ['tokens:write']);
      const foreign = await request(app.url).delete(`/api/v1/tokens/${id}`).set('Authorization', `Bearer ${agentToken}`).expect(404);
      const missing = await request(app.url)
        .delete('/api/v1/tokens/00000000-0000-4000-8000-000000000000')
        .set('Authorization', `Bearer ${agentToken}`)
        .expect(404);
      expect(foreign.body.message).toBe(missing.body.message);
      await get('/api/v1/me', adminToken).expect(200);
    });
  });

  describe('user list', () => {
    it('pages through 150 new people by user name, each once, without a count', async () => {
      const admins = app.app.get(UserAdminService);
      const created: string[] = [];
      for (let i = 0; i < 150; i++) {
        const username = `${i % 2 ? 'Pager' : 'pager'}.${String(i).padStart(3, '0')}`;
        await admins.create({ username });
        created.push(username);
      }
      const token = await tokenFor(adminId, ['users:read']);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: Record<string, string> = { limit: '40', ...(cursor ? { cursor } : {}) };
        const res = await get('/api/v1/users', token).query(query).expect(200);
        expect(res.body.items.length).toBeLessThanOrEqual(40);
        expect(res.body).not.toHaveProperty('total');
        seen.push(...res.body.items.map((item: { username: string }) => item.username));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 20);
      expect(cursor).toBeNull();
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(expect.arrayContaining(created));
      const lowered = seen.map((name) => name.toLowerCase());
      expect(lowered.filter((name) => name.startsWith('pager.'))).toEqual(created.map((name) => name.toLowerCase()).sort());
    });

    it('refuses a page larger than 100 and a cursor it did not make', async () => {
      const token = await tokenFor(adminId, ['users:read']);
      await get('/api/v1/users', token).query({ limit: '101' }).expect(400);
      await get('/api/v1/users', token).query({ limit: '0' }).expect(400);
      const res = await get('/api/v1/users', token).query({ cursor: 'bm90IGEgY3Vyc29y!' }).expect(400);
      expect(res.body.code).toBe('cursor_invalid');
    });
  });

  describe('OpenAPI', () => {
    it('serves a valid OpenAPI 3 document of /api/v1 only, with bearer security', async () => {
      const res = await request(app.url).get('/api/docs-json').expect(200).expect('content-type', /json/);
      const doc = res.body;
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.info).toMatchObject({ title: 'Opora API', version: expect.any(String) });
      const paths = Object.keys(doc.paths);
      expect(paths.filter((path) => !path.startsWith('/api/v1/'))).toEqual([]);
      expect(paths).toEqual(expect.arrayContaining(['/api/v1/me', '/api/v1/tokens', '/api/v1/tokens/{id}', '/api/v1/users', '/api/v1/users/{id}']));
      expect(Object.keys(doc.paths['/api/v1/tokens']).sort()).toEqual(['get', 'post']);
      expect(doc.components.securitySchemes.token).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
      expect(doc.security).toEqual([{ token: [] }]);
      // Every operation answers something, and every reference points at a schema that exists.
      const operationIds = new Set<string>();
      for (const item of Object.values(doc.paths) as Array<Record<string, { operationId: string; responses: object }>>) {
        for (const operation of Object.values(item)) {
          expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
          expect(operationIds.has(operation.operationId)).toBe(false);
          operationIds.add(operation.operationId);
        }
      }
      const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
      expect(refs.length).toBeGreaterThan(5);
      for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref);
      expect(doc.components.schemas.CreateApiTokenDto.properties.scopes.items.enum).toEqual(API_SCOPE_NAMES);
    });

    it('declares an API scope on every route under /api/v1, so none is open to any token by mistake', () => {
      const undeclared: string[] = [];
      let found = 0;
      for (const module of app.app.get(ModulesContainer).values()) {
        for (const wrapper of module.controllers.values()) {
          const controller = wrapper.metatype as { prototype: Record<string, unknown>; name: string } | null;
          const prefix = controller && (Reflect.getMetadata(PATH_METADATA, controller) as string | undefined);
          if (!controller || !prefix?.startsWith('api/v1')) continue;
          for (const key of Object.getOwnPropertyNames(controller.prototype)) {
            const handler = controller.prototype[key];
            if (key === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
            found++;
            if (!Reflect.getMetadata(SCOPE_KEY, handler)) {
              undeclared.push(`${RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number]} ${controller.name}.${key}`);
            }
          }
        }
      }
      expect(found).toBeGreaterThanOrEqual(6);
      expect(undeclared).toEqual([]);
    });

    describe('Swagger UI in headless Chromium', () => {
      let browser: Browser;
      beforeAll(async () => {
        browser = await launchBrowser();
      });
      afterAll(() => browser?.close());

      it('renders under the strict content security policy, from this server only, and calls the API with a token', async () => {
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(message.text());
        });
        page.on('pageerror', (error) => problems.push(error.message));
        page.on('request', (req) => {
          if (!req.url().startsWith(app.url) && !req.url().startsWith('data:')) problems.push(`outside request ${req.url()}`);
        });
        const response = await page.goto(`${app.url}/api/docs`);
        expect(response!.headers()['content-security-policy']).toContain("script-src 'self';style-src 'self'");
        await page.waitForSelector('.opblock-summary');
        const doc = (await request(app.url).get('/api/docs-json').expect(200)).body as { paths: Record<string, object> };
        const operations = Object.values(doc.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);
        expect(await page.locator('.opblock').count()).toBe(operations);
        await expect(page.locator('.info .title').textContent()).resolves.toContain('Opora API');
        await screenshot(page, 'api-docs');

        // Authorize with a token, then run GET /api/v1/me from the page.
        const token = await tokenFor(agentId, ['users:read']);
        await page.click('.auth-wrapper .authorize');
        await page.fill('.auth-container input[type=text], .auth-container input[type=password]', token);
        await page.click('.auth-btn-wrapper .authorize');
        await page.click('.auth-btn-wrapper .btn-done');
        const me = page.locator('#operations-users-UserApiController_me');
        await me.locator('.opblock-summary').click();
        await me.locator('.try-out__btn').click();
        await me.locator('.execute').click();
        const answer = me.locator('.live-responses-table tr.response');
        await answer.waitFor();
        await expect(answer.locator('.response-col_status').textContent()).resolves.toContain('200');
        await expect(answer.locator('.response-col_description').textContent()).resolves.toContain('"username": "api-agent"');
        expect(problems).toEqual([]);
        await page.close();
      });
    });
  });
});

describe('token:create through the running server (embedded database)', () => {
  let server: AppProcess;
  afterAll(() => server?.stop());

  it('prints only the token, once, and the token works', async () => {
    server = await spawnApp(processEnv());
    await eventually(isReady(server.url), 60_000);
    expect(runCli(server.env, ['user:create', '--username', 'robot', '--roles', 'agent']).status).toBe(0);

    const created = runCli(server.env, ['token:create', '--user', 'ROBOT', '--name', 'nightly', '--scopes', 'users:read,tokens:read']);
    expect(created).toMatchObject({ status: 0, stderr: '' });
    expect(created.stdout).toMatch(/^opora_[\w-]{43}\n$/);
    const token = created.stdout.trim();
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'robot', scopes: ['users:read', 'tokens:read'] });
    const list = await fetch(`${server.url}/api/v1/tokens`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([expect.objectContaining({ name: 'nightly', prefix: token.slice(0, 14) })]);
    expect(server.log()).not.toContain(token.slice(6));
  });

  it('names what is wrong: an unknown user, an unknown scope, no user at all', () => {
    expect(runCli(server.env, ['token:create', '--user', 'nobody'])).toMatchObject({ status: 1, stdout: '', stderr: 'opora: There is no user named "nobody".\n' });
    expect(runCli(server.env, ['token:create', '--user', 'robot', '--scopes', 'users:read,root'])).toMatchObject({
      status: 1,
      stderr: 'opora: Unknown API token scope: root.\n',
    });
    expect(runCli(server.env, ['token:create']).stderr).toMatch(/^opora: usage: token:create --user LOGIN/);
  });
});
