import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Routing rules against real PostgreSQL: administrators keep an ordered list in pages and the API;
// every new ticket goes through it, each matching rule's actions apply (later single values win,
// tags and watchers add up, `stop` ends it), what a person chose is never overridden, and every
// decision is in the ticket's history with the rule that made it.

const PASSWORD = 'routing test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('routing rules', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('routing-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles, email] of [
      ['agent-1', ['agent'], 'agent-1@desk.example'],
      ['printer-lead', ['group_lead'], 'lead@desk.example'],
      ['boss', ['requester'], 'boss@vip.example'],
      ['clerk', ['requester'], 'clerk@office.example'],
    ] as const) {
      await people.create({ username, roles: [...roles], email, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Печать', active: true })).id, 'agent-1');
    await groups.addMember(admin, (await groups.create(admin, { name: 'First line', active: true })).id, 'agent-1');
    for (const name of ['routing-admin', 'agent-1', 'boss', 'clerk']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, from: string, fields: Record<string, string | string[]>) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  async function register(agent: Agent, fields: Record<string, string>) {
    const res = await post(agent, '/tickets', '/tickets/new', { type: 'incident', impact: '3', urgency: '3', ...fields });
    expect(res.status).toBe(303);
    const [ticket] = await db().query(
      `SELECT t.id, t.priority, t.tags, g.name AS "group", t.type,
              (SELECT array_agg(u.username ORDER BY u.username) FROM ticket_watchers w JOIN users u ON u.id = w.user_id WHERE w.ticket_id = t.id) AS watchers,
              (SELECT array_agg(e.changes->>'rule' ORDER BY e.id) FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind = 'routed') AS rules
         FROM tickets t LEFT JOIN work_groups g ON g.id = t.group_id WHERE t.subject = $1`,
      [fields.subject],
    );
    return ticket as { priority: number; tags: string[]; group: string | null; type: string; watchers: string[] | null; rules: string[] | null };
  }

  it('lets an administrator keep the rules in their pages, refusing bad input with the form kept', async () => {
    const admin = agents['routing-admin']!;
    const vip = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'VIP', senders: 'vip.example', priority: '1', tags: 'VIP', stop: 'on', active: 'on' });
    expect(vip.status).toBe(303);
    const printers = await post(admin, '/admin/routing', '/admin/routing/new', {
      name: 'Принтеры',
      keywords: 'принтер\nкартридж',
      hashtags: '#printer',
      channels: ['web', 'email'],
      group: 'печать',
      watchers: 'printer-lead',
      tags: 'print',
      timeFrom: '00:00',
      timeTo: '23:59',
      timeZone: 'Europe/Moscow',
      days: ['1', '2', '3', '4', '5', '6', '7'],
      active: 'on',
    });
    expect(printers.status).toBe(303);
    const catchAll = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'Everything else', group: 'First line', tags: 'triage', active: 'on' });
    expect(catchAll.status).toBe(303);

    const noAction = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'Empty', keywords: 'x', active: 'on' });
    expect(noAction.status).toBe(400);
    expect(noAction.text).toContain('Give the rule at least one action.');
    const unknownGroup = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'Bad group', keywords: 'сеть', group: 'Нет такой' });
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.text).toContain('value="Bad group"');
    expect(unknownGroup.text).toContain('сеть</textarea>');
    const badTime = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'Bad time', timeFrom: '25:00', timeTo: '06:00', priority: '2' });
    expect(badTime.status).toBe(400);
    expect(badTime.text).toContain('Enter the time as HH:MM.');
    const forgedChoice = await post(admin, '/admin/routing', '/admin/routing/new', { name: 'Forged', channels: 'carrier-pigeon', priority: '2' });
    expect(forgedChoice.status).toBe(400);

    const list = await admin.get('/admin/routing').expect(200);
    expect([...list.text.matchAll(/<strong>([^<]+)<\/strong>/g)].map((m) => m[1])).toEqual(['VIP', 'Принтеры', 'Everything else']);
    await agents['agent-1']!.get('/admin/routing').expect(403);
    await agents['clerk']!.get('/admin/routing/new').expect(403);
  });

  it('applies matching rules in order, adding tags and watchers, and records each in the history', async () => {
    const printer = await register(agents['clerk']!, { subject: 'Не печатает принтер', description: 'Третий этаж' });
    expect(printer).toMatchObject({ group: 'First line', priority: 5, tags: ['print', 'triage'], watchers: ['printer-lead'] });
    // The catch-all comes later and its group replaces the printers' one.
    expect(printer.rules).toEqual(['Принтеры', 'Everything else']);
  });

  it('stops at a matching stop rule, and the first rule can set the priority', async () => {
    const boss = await register(agents['boss']!, { subject: 'Принтер у директора' });
    expect(boss).toMatchObject({ priority: 1, tags: ['vip'], group: null, rules: ['VIP'] });
  });

  it('never overrides what a person chose, but still tags and adds watchers', async () => {
    const chosen = await register(agents['agent-1']!, { subject: 'Звонок: картридж', requester: 'clerk', group: 'Печать', channel: 'phone' });
    // Phone is not among the printers rule's channels; the catch-all's group does not replace the chosen one.
    expect(chosen).toMatchObject({ group: 'Печать', tags: ['triage'], rules: ['Everything else'] });
  });

  it('follows the order the administrator sets', async () => {
    const [{ id: printersId }] = await db().query(`SELECT id FROM routing_rules WHERE name = 'Принтеры'`);
    expect((await post(agents['routing-admin']!, `/admin/routing/${printersId}/move`, '/admin/routing', { direction: 'down' })).status).toBe(303);
    const after = await register(agents['clerk']!, { subject: 'Снова #printer' });
    expect(after).toMatchObject({ group: 'Печать', tags: ['triage', 'print'], rules: ['Everything else', 'Принтеры'] });
    const edit = await agents['routing-admin']!.get(`/admin/routing/${printersId}`).expect(200);
    expect(edit.text).toContain('value="Печать"');
    expect(edit.text).toContain('value="printer-lead"');
    expect(edit.text).toContain('#printer');
  });

  it('serves and keeps the rules in the API', async () => {
    const [{ id: adminId }] = await db().query(`SELECT id FROM users WHERE username = 'routing-admin'`);
    const { token } = await app.app.get(ApiTokenService).create(adminId, { name: 'routing', scopes: ['routing:read', 'routing:write'] });
    const listed = await request(app.url).get('/api/v1/routing-rules').set('Authorization', `Bearer ${token}`).expect(200);
    expect(listed.body.map((rule: { name: string }) => rule.name)).toEqual(['VIP', 'Everything else', 'Принтеры']);
    const created = await request(app.url).post('/api/v1/routing-rules').set('Authorization', `Bearer ${token}`).send({ name: 'API rule', keywords: 'сервер', setType: 'service_request' }).expect(201);
    expect(created.body).toMatchObject({ name: 'API rule', position: 4, conditions: { keywords: ['сервер'] }, actions: { type: 'service_request' } });
    const [{ id: clerkId }] = await db().query(`SELECT id FROM users WHERE username = 'clerk'`);
    const { token: clerkToken } = await app.app.get(ApiTokenService).create(clerkId, { name: 'c', scopes: ['routing:read'] });
    await request(app.url).get('/api/v1/routing-rules').set('Authorization', `Bearer ${clerkToken}`).expect(403);
  });
});
