import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import type { Actor } from '../../src/kernel/security/actor';
import { UserRepository } from '../../src/identity/user.repository';
import { TicketService } from '../../src/tickets/ticket.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Filters and saved views of the ticket list against real PostgreSQL: status, priority, type,
// service and tag narrow a queue (and the API), malformed values are ignored, and a view saved
// under a name is one's own or shared with all staff.

const PASSWORD = 'filters test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const refsOf = (html: string) => [...html.matchAll(/<tr data-ticket="([^"]+)">/g)].map((match) => match[1]!);

describe('ticket filters and saved views', () => {
  let app: TestApp;
  let admin: Agent;
  let agent: Agent;
  const refs: Record<string, string> = {};
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const adminActor = await app.app.get(AuthService).createAdmin('filters-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'filters-agent', roles: ['agent'], password: PASSWORD });
    admin = await signedInAgent(app.url, 'filters-admin', PASSWORD);
    agent = await signedInAgent(app.url, 'filters-agent', PASSWORD);
    const [{ id: serviceId }] = await db().query(`INSERT INTO services (name) VALUES ('Печать') RETURNING id`);
    const tickets = app.app.get(TicketService);
    const actor = (await app.app.get(UserRepository).findActor((adminActor as { id: string }).id)) as Actor;
    refs.urgent = await tickets.create(actor, { type: 'incident', subject: 'Срочно', impact: 1, urgency: 1, service: serviceId }, 'api');
    refs.request = await tickets.create(actor, { type: 'service_request', subject: 'Заказ' }, 'api');
    refs.waiting = await tickets.create(actor, { type: 'incident', subject: 'Ждём' }, 'api');
    await tickets.changeStatus(actor, refs.waiting, { status: 'waiting', version: 1 }, 'api');
    await db().query(`UPDATE tickets SET tags = ARRAY['vip'] WHERE subject = 'Заказ'`);
  });
  afterAll(() => app.stop());

  const list = async (query: string) => refsOf((await admin.get(`/tickets?${query}`).expect(200)).text).sort();

  it('narrows the list by status, priority, type, service and tag, and combines them', async () => {
    expect(await list('status=waiting')).toEqual([refs.waiting]);
    expect(await list('priority=1')).toEqual([refs.urgent]);
    expect(await list('type=service_request')).toEqual([refs.request]);
    const [{ id: serviceId }] = await db().query(`SELECT id FROM services`);
    expect(await list(`service=${serviceId}`)).toEqual([refs.urgent]);
    expect(await list('tag=VIP')).toEqual([refs.request]);
    expect(await list('type=incident&status=new')).toEqual([refs.urgent]);
    // A requester's history: every ticket they asked for, from a link on each of their tickets.
    const [{ id: adminId }] = await db().query(`SELECT id FROM users WHERE username = 'filters-admin'`);
    expect(await list(`requester=${adminId}`)).toEqual(Object.values(refs).sort());
    expect((await admin.get(`/tickets/${refs.urgent}`).expect(200)).text).toContain(`href="/tickets?queue=all&amp;requester=${adminId}"`);
    expect(await list("status=x'%20OR%201=1&priority=9&service=nope")).toEqual(Object.values(refs).sort());
  });

  it('keeps the filters when paging and sorting', async () => {
    const page = (await admin.get('/tickets?type=incident&sort=created').expect(200)).text;
    expect(page).toMatch(/href="\/tickets\?queue&#x3D;all&amp;sort&#x3D;priority&amp;type&#x3D;incident"/);
  });

  it('saves a view for oneself or for everyone, and only the owner removes it', async () => {
    const page = await admin.get('/tickets?status=waiting').expect(200);
    await admin.post('/saved-filters').type('form').send({ _csrf: csrfOf(page.text), filterName: 'Ждут ответа', shared: 'on', queue: 'all', sort: 'updated', status: 'waiting' }).expect(303);
    await admin.post('/saved-filters').type('form').send({ _csrf: csrfOf(page.text), filterName: 'Мой личный', queue: 'all', priority: '1' }).expect(303);
    const refused = await admin.post('/saved-filters').type('form').send({ _csrf: csrfOf(page.text), filterName: '   ', queue: 'all' });
    expect(refused.status).toBe(303);
    expect(await db().query(`SELECT name, shared, params FROM saved_filters ORDER BY name`)).toEqual([
      { name: 'Ждут ответа', shared: true, params: { queue: 'all', sort: 'updated', status: 'waiting' } },
      { name: 'Мой личный', shared: false, params: { queue: 'all', priority: '1' } },
    ]);
    const agentPage = (await agent.get('/tickets').expect(200)).text;
    expect(agentPage).toContain('data-saved-filter="Ждут ответа"');
    expect(agentPage).not.toContain('Мой личный');
    const [{ id }] = await db().query(`SELECT id FROM saved_filters WHERE name = 'Ждут ответа'`);
    await agent.post(`/saved-filters/${id}/delete`).type('form').send({ _csrf: csrfOf(agentPage) }).expect(404);
    await admin.post(`/saved-filters/${id}/delete`).type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
  });

  it('lets plugins narrow the list and add columns, checking what they return', async () => {
    const hooks = app.app.get(HookBus);
    const offQuery = hooks.addFilter('ticket.list.query', (request) => ({ ...request, filters: { ...request.filters, tag: 'vip' }, sort: 'nonsense' }));
    const offColumns = hooks.addFilter('ticket.list.columns', (columns, { refs }) => [...columns, { label: 'Plugin <b>column</b>', values: Object.fromEntries(refs.map((ref) => [ref, `<i>${ref}</i>`])) }]);
    try {
      const page = (await admin.get('/tickets').expect(200)).text;
      expect(refsOf(page)).toEqual([refs.request]);
      expect(page).toContain('<th scope="col">Plugin &lt;b&gt;column&lt;/b&gt;</th>');
      expect(page).toContain(`<td>&lt;i&gt;${refs.request}&lt;/i&gt;</td>`);
    } finally {
      offQuery();
      offColumns();
    }
    expect(refsOf((await admin.get('/tickets').expect(200)).text)).toHaveLength(3);
  });

  it('filters the API the same way', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'filters-admin'`);
    const { token } = await app.app.get(ApiTokenService).create(id, { name: 'f', scopes: ['tickets:read'] });
    const res = await fetch(`${app.url}/api/v1/tickets?status=waiting`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items: Array<{ ref: string }> };
    expect(body.items.map((item) => item.ref)).toEqual([refs.waiting]);
  });
});

describe('watching and tags', () => {
  let app: TestApp;
  let agent: Agent;
  let client: Agent;
  let ref: string;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('tags-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'tagger', roles: ['agent'], password: PASSWORD });
    await app.app.get(UserAdminService).create({ username: 'asker', roles: ['requester'], password: PASSWORD });
    agent = await signedInAgent(app.url, 'tagger', PASSWORD);
    client = await signedInAgent(app.url, 'asker', PASSWORD);
    const form = await client.get('/tickets/new').expect(200);
    ref = (await client.post('/tickets').type('form').send({ _csrf: csrfOf(form.text), type: 'incident', subject: 'Метки' }).expect(303)).headers.location!.replace('/tickets/', '');
  });
  afterAll(() => app.stop());

  it('lets staff watch a ticket (it then shows in Watching) and stop', async () => {
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    await agent.post(`/tickets/${ref}/watch`).type('form').send({ _csrf: csrfOf(page.text), watching: 'true' }).expect(303);
    expect(refsOf((await agent.get('/tickets?queue=watching').expect(200)).text)).toEqual([ref]);
    await agent.post(`/tickets/${ref}/watch`).type('form').send({ _csrf: csrfOf(page.text), watching: 'false' }).expect(303);
    expect(refsOf((await agent.get('/tickets?queue=watching').expect(200)).text)).toEqual([]);
    await client.post(`/tickets/${ref}/watch`).type('form').send({ _csrf: csrfOf((await client.get(`/tickets/${ref}`)).text), watching: 'true' }).expect(403);
  });

  it('sets tags with optimistic locking, recording the change, and refuses too many', async () => {
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    const version = /data-version="(\d+)"/.exec(page.text)![1]!;
    await agent.post(`/tickets/${ref}/tags`).type('form').send({ _csrf: csrfOf(page.text), tags: 'VIP, принтер, vip', version }).expect(303);
    expect(await db().query(`SELECT tags FROM tickets`)).toEqual([{ tags: ['vip', 'принтер'] }]);
    const stale = await agent.post(`/tickets/${ref}/tags`).type('form').send({ _csrf: csrfOf(page.text), tags: 'другое', version });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('value="другое"');
    const fresh = /data-version="(\d+)"/.exec((await agent.get(`/tickets/${ref}`).expect(200)).text)![1]!;
    const many = await agent.post(`/tickets/${ref}/tags`).type('form').send({ _csrf: csrfOf(page.text), tags: Array.from({ length: 25 }, (_, i) => `t${i}`).join(','), version: fresh });
    expect(many.status).toBe(400);
    const [event] = await db().query(`SELECT changes FROM ticket_events WHERE kind = 'updated'`);
    expect(event.changes).toEqual({ tags: { from: [], to: ['vip', 'принтер'] } });
  });
});

describe('bulk actions from a queue', () => {
  let app: TestApp;
  let agent: Agent;
  let lead: Agent;
  const db = () => app.boot.database.dataSource;
  const refs: string[] = [];

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('bulk-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'bulk-agent', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'bulk-lead', roles: ['group_lead'], password: PASSWORD });
    const groups = app.app.get(WorkGroupService);
    const desk = await groups.create(admin, { name: 'Bulk desk', active: true });
    for (const login of ['bulk-agent', 'bulk-lead']) await groups.addMember(admin, desk.id, login);
    agent = await signedInAgent(app.url, 'bulk-agent', PASSWORD);
    lead = await signedInAgent(app.url, 'bulk-lead', PASSWORD);
    const tickets = app.app.get(TicketService);
    const actor = (await app.app.get(UserRepository).findActor((admin as { id: string }).id)) as Actor;
    for (const subject of ['Один', 'Два', 'Три']) refs.push(await tickets.create(actor, { type: 'incident', subject, group: 'Bulk desk' }, 'api'));
    refs.push(await tickets.create(actor, { type: 'incident', subject: 'Чужая' }, 'api'));
    await db().query(`UPDATE tickets SET group_id = NULL, assignee_id = (SELECT id FROM users WHERE username = 'bulk-admin') WHERE subject = 'Чужая'`);
  });
  afterAll(() => app.stop());

  async function bulk(who: Agent, fields: Record<string, string | string[]>) {
    const page = await who.get('/tickets?queue=all').expect(200);
    return who.post('/tickets/bulk').type('form').send({ _csrf: csrfOf(page.text), back: '/tickets?queue=all', ...fields });
  }

  it('applies one action to every ticked ticket through the same rules, skipping what cannot take it', async () => {
    const moved = await bulk(agent, { refs: refs.slice(0, 3), action: 'assign', value: 'Bulk desk / bulk-agent' });
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe('/tickets?queue=all');
    expect((await db().query(`SELECT count(*)::int AS n FROM tickets t JOIN users u ON u.id = t.assignee_id WHERE u.username = 'bulk-agent'`))[0].n).toBe(3);

    // Each moves through the workflow on its own, from whatever status it is in.
    await bulk(agent, { refs: [refs[0]!], action: 'status', value: 'in_progress' });
    const partly = await bulk(agent, { refs: refs.slice(0, 2), action: 'status', value: 'waiting' });
    const flash = (await agent.get('/tickets?queue=all').expect(200)).text;
    expect(partly.status).toBe(303);
    expect(flash).toContain('Done for 2 tickets.');
    const statuses = await db().query(`SELECT status FROM tickets WHERE subject IN ('Один', 'Два') ORDER BY subject`);
    expect(statuses).toEqual([{ status: 'waiting' }, { status: 'waiting' }]);

    // A ticket the agent may not see is skipped like a missing one; nothing else changes.
    await bulk(agent, { refs: [refs[2]!, refs[3]!], action: 'tag', value: 'массово' });
    expect((await agent.get('/tickets?queue=all').expect(200)).text).toContain(`left as they were: ${refs[3]}`);
    expect(await db().query(`SELECT subject, tags FROM tickets WHERE tags <> '{}' ORDER BY subject`)).toEqual([{ subject: 'Три', tags: ['массово'] }]);
  });

  it('keeps deleting to those who may delete, and refuses an empty or unknown action', async () => {
    expect((await bulk(agent, { refs: [refs[2]!], action: 'delete' })).status).toBe(403);
    expect((await bulk(lead, { refs: [refs[2]!], action: 'delete' })).status).toBe(303);
    expect(await db().query(`SELECT subject FROM tickets WHERE deleted_at IS NOT NULL`)).toEqual([{ subject: 'Три' }]);
    expect((await bulk(agent, { action: 'star' })).status).toBe(400);
    expect((await bulk(agent, { refs: [refs[0]!], action: 'drop-table' })).status).toBe(400);
  });
});
