import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Custom fields against real PostgreSQL: administrators define them; a new ticket stores only the
// fields that apply to its type and are shown, refuses a shown required field left empty beside
// it (keeping what was typed), and shows the values on the ticket; the API takes them too.

const PASSWORD = 'fields test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('custom fields', () => {
  let app: TestApp;
  let admin: Agent;
  let client: Agent;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('fields-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'fields-client', roles: ['requester'], password: PASSWORD });
    admin = await signedInAgent(app.url, 'fields-admin', PASSWORD);
    client = await signedInAgent(app.url, 'fields-client', PASSWORD);
  });
  afterAll(() => app.stop());

  async function define(fields: Record<string, string | string[]>) {
    const page = await admin.get('/admin/fields').expect(200);
    return admin.post('/admin/fields').type('form').send({ _csrf: csrfOf(page.text), active: 'on', ...fields });
  }

  /** The new-ticket form as a browser posts it (multipart, with custom[key] fields). */
  async function register(fields: Record<string, string>) {
    const page = await client.get('/tickets/new').expect(200);
    let req = client.post('/tickets').field('_csrf', csrfOf(page.text));
    for (const [name, value] of Object.entries({ impact: '2', urgency: '2', ...fields })) req = req.field(name, value);
    return req;
  }

  it('lets an administrator define fields, refusing bad definitions with the form kept', async () => {
    expect((await define({ label: 'Модель ноутбука', key: 'model', kind: 'select', options: 'ThinkPad\nMacBook', required: 'on', types: 'service_request' })).status).toBe(303);
    expect((await define({ label: 'Нужна зарядка', key: 'charger', kind: 'checkbox', visibleWhen: 'model=MacBook' })).status).toBe(303);
    expect((await define({ label: 'Мощность, Вт', key: 'wattage', kind: 'number', required: 'on', visibleWhen: 'charger=true' })).status).toBe(303);
    const badKey = await define({ label: 'Плохой', key: 'Bad Key', kind: 'text' });
    expect(badKey.status).toBe(400);
    expect(badKey.text).toContain('value="Плохой"');
    expect((await define({ label: 'Дубль', key: 'model', kind: 'text' })).status).toBe(400);
    expect((await define({ label: 'Без вариантов', key: 'empty_choice', kind: 'select' })).status).toBe(400);
    expect((await define({ label: 'Сам от себя', key: 'loop', kind: 'text', visibleWhen: 'loop=x' })).status).toBe(400);
    expect((await client.get('/admin/fields')).status).toBe(403);
  });

  it('stores only fields that apply and are shown, and refuses a shown required field left empty', async () => {
    const missing = await register({ type: 'service_request', subject: 'Нужен ноутбук', description: 'Для нового сотрудника' });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('This field is required.');
    expect(missing.text).toContain('Для нового сотрудника</textarea>');

    const needsWattage = await register({ type: 'service_request', subject: 'MacBook', 'custom[model]': 'MacBook', 'custom[charger]': 'on' });
    expect(needsWattage.status).toBe(400);

    expect((await register({ type: 'service_request', subject: 'MacBook с зарядкой', 'custom[model]': 'MacBook', 'custom[charger]': 'on', 'custom[wattage]': '96' })).status).toBe(303);
    expect((await register({ type: 'service_request', subject: 'ThinkPad', 'custom[model]': 'ThinkPad', 'custom[charger]': 'on', 'custom[wattage]': '65' })).status).toBe(303);
    // Incidents have no model field: nothing is required and nothing sent is kept.
    expect((await register({ type: 'incident', subject: 'Сломался', 'custom[model]': 'ThinkPad' })).status).toBe(303);
    expect(await db().query(`SELECT subject, custom FROM tickets ORDER BY created_at`)).toEqual([
      { subject: 'MacBook с зарядкой', custom: { model: 'MacBook', charger: true, wattage: 96 } },
      { subject: 'ThinkPad', custom: { model: 'ThinkPad' } },
      { subject: 'Сломался', custom: {} },
    ]);
    const [{ number }] = await db().query(`SELECT number::text FROM tickets WHERE subject = 'MacBook с зарядкой'`);
    const page = (await client.get(`/tickets/REQ-${number}`).expect(200)).text;
    expect(page).toContain('<dt>Мощность, Вт</dt><dd data-custom="wattage">96</dd>');
    expect(page).toContain('<dd data-custom="charger">Yes</dd>');
  });

  it('lets staff change the values on the ticket page under the same rules', async () => {
    const [{ number }] = await db().query(`SELECT number::text FROM tickets WHERE subject = 'ThinkPad'`);
    const path = `/tickets/REQ-${number}`;
    const page = (await admin.get(path).expect(200)).text;
    expect(page).toContain('name="custom[model]"');
    const version = /data-version="(\d+)"/.exec(page)![1]!;
    const bad = await admin.post(`${path}/fields`).field('_csrf', csrfOf(page)).field('version', version).field('custom[model]', 'MacBook').field('custom[charger]', 'on').field('custom[wattage]', 'много');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a number.');
    expect(bad.text).toContain('value="много"');
    await admin.post(`${path}/fields`).field('_csrf', csrfOf(page)).field('version', version).field('custom[model]', 'MacBook').field('custom[charger]', 'on').field('custom[wattage]', '140').expect(303);
    expect(await db().query(`SELECT custom FROM tickets WHERE subject = 'ThinkPad'`)).toEqual([{ custom: { model: 'MacBook', charger: true, wattage: 140 } }]);
    const [event] = await db().query(`SELECT changes FROM ticket_events WHERE kind = 'updated'`);
    expect(event.changes.custom.to).toEqual({ model: 'MacBook', charger: true, wattage: 140 });
    await client.post(`${path}/fields`).field('_csrf', csrfOf((await client.get(path)).text)).field('version', '9').expect(403);
  });

  it('takes and shows custom values in the API, with the same rules', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'fields-client'`);
    const { token } = await app.app.get(ApiTokenService).create(id, { name: 'f', scopes: ['tickets:write', 'tickets:read'] });
    const refused = await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${token}`).send({ type: 'service_request', subject: 'API', custom: { model: 'Dell' } }).expect(400);
    expect(refused.body.code).toBe('custom_field_invalid');
    const created = await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${token}`).send({ type: 'service_request', subject: 'API', custom: { model: 'ThinkPad', unknown: 'x' } }).expect(201);
    expect(created.body.custom).toEqual({ model: 'ThinkPad' });
  });
});
