import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { COMMANDS } from '../../src/kernel/cli/commands';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The ticket core against real PostgreSQL: numbering per type, the workflow, the conversation,
// optimistic locking, the history, and visibility — an agent of group A cannot see group B's
// ticket and a requester cannot open another requester's, in pages, lists and the API alike.

const PASSWORD = 'tickets test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const refsOf = (html: string) => [...html.matchAll(/<tr data-ticket="([^"]+)">/g)].map((match) => match[1]!);
const versionOf = (html: string) => Number(/data-version="(\d+)"/.exec(html)![1]);

describe('tickets', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('tickets-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-a', ['agent']], ['agent-b', ['agent']], ['lead-a', ['group_lead']], ['client-1', ['requester']], ['client-2', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    const a = await groups.create(admin, { name: 'Группа А', lead: 'lead-a', active: true });
    await groups.addMember(admin, a.id, 'agent-a');
    const b = await groups.create(admin, { name: 'Group B', active: true });
    await groups.addMember(admin, b.id, 'agent-b');
    for (const name of ['agent-a', 'agent-b', 'lead-a', 'client-1', 'client-2']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, fields: Record<string, string>, from = path.replace(/\/(messages|status|assign|take)$/, '')) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  async function create(agent: Agent, fields: Record<string, string>): Promise<string> {
    const res = await post(agent, '/tickets', { type: 'incident', impact: '2', urgency: '2', ...fields }, '/tickets/new');
    expect(res.status).toBe(303);
    return res.headers.location!.replace('/tickets/', '');
  }

  it('numbers each type on its own and derives the priority from impact and urgency', async () => {
    const first = await create(agents['client-1']!, { subject: 'Не печатает принтер', description: 'Третий этаж', impact: '1', urgency: '1' });
    const second = await create(agents['client-1']!, { subject: 'Нужен доступ', type: 'service_request', impact: '3', urgency: '3' });
    const third = await create(agents['client-1']!, { subject: 'Ещё одна проблема' });
    expect(first).toMatch(/^INC-\d+$/);
    expect(second).toMatch(/^REQ-\d+$/);
    expect(Number(third.slice(4))).toBe(Number(first.slice(4)) + 1);
    const rows = await db().query(`SELECT subject, priority, status, channel FROM tickets ORDER BY created_at`);
    expect(rows).toEqual([
      { subject: 'Не печатает принтер', priority: 1, status: 'new', channel: 'web' },
      { subject: 'Нужен доступ', priority: 5, status: 'new', channel: 'web' },
      { subject: 'Ещё одна проблема', priority: 3, status: 'new', channel: 'web' },
    ]);
  });

  it('lets staff register for someone else and address the ticket; refuses a requester doing so', async () => {
    const ref = await create(agents['agent-a']!, { subject: 'Звонок: нет сети', requester: 'client-2@example.com', group: 'группа а', assignee: 'agent-a', channel: 'phone' });
    const page = await agents['agent-a']!.get(`/tickets/${ref}`).expect(200);
    expect(page.text).toContain('data-assignment>Assigned to: Группа А / agent-a');
    const refused = await post(agents['client-1']!, '/tickets', { type: 'incident', subject: 'x', group: 'Group B' }, '/tickets/new');
    expect(refused.status).toBe(403);
    const notMember = await post(agents['agent-a']!, '/tickets', { type: 'incident', subject: 'x', group: 'Group B', assignee: 'agent-a' }, '/tickets/new');
    expect(notMember.status).toBe(400);
    expect(notMember.text).toContain('agent-a is not a member of that group.');
    expect(notMember.text).toContain('value="Group B"');
  });

  it('keeps each group\'s tickets to that group, and each requester\'s to them — pages, lists and API', async () => {
    const forB = await create(agents['agent-b']!, { subject: 'Only for B', requester: 'client-2', group: 'Group B' });
    const ofClient1 = (await db().query(`SELECT type, number FROM tickets WHERE subject = 'Не печатает принтер'`))[0];
    const client1Ref = `INC-${ofClient1.number}`;

    await agents['agent-a']!.get(`/tickets/${forB}`).expect(404);
    expect(refsOf((await agents['agent-a']!.get('/tickets').expect(200)).text)).not.toContain(forB);
    await agents['client-1']!.get(`/tickets/${forB}`).expect(404);
    await agents['client-2']!.get(`/tickets/${client1Ref}`).expect(404);
    expect(refsOf((await agents['client-2']!.get('/tickets').expect(200)).text)).not.toContain(client1Ref);
    await agents['agent-b']!.get(`/tickets/${forB}`).expect(200);

    const tokenFor = async (username: string) => {
      const [{ id }] = await db().query(`SELECT id FROM users WHERE username = $1`, [username]);
      return (await app.app.get(ApiTokenService).create(id, { name: 't', scopes: ['tickets:read', 'tickets:write'] })).token;
    };
    const client2Token = await tokenFor('client-2');
    const other = await request(app.url).get(`/api/v1/tickets/${client1Ref}`).set('Authorization', `Bearer ${client2Token}`).expect(404);
    expect(JSON.stringify(other.body)).not.toContain('принтер');
    const own = await request(app.url).get('/api/v1/tickets').set('Authorization', `Bearer ${client2Token}`).expect(200);
    expect(own.body.items.map((item: { ref: string }) => item.ref)).not.toContain(client1Ref);
    const agentA = await tokenFor('agent-a');
    await request(app.url).get(`/api/v1/tickets/${forB}`).set('Authorization', `Bearer ${agentA}`).expect(404);
    await request(app.url).get('/api/v1/tickets/INC-99999999').set('Authorization', `Bearer ${agentA}`).expect(404);
    await request(app.url).get('/api/v1/tickets/not-a-ref').set('Authorization', `Bearer ${agentA}`).expect(404);
  });

  it('shows a lead what is addressed to their members anywhere', async () => {
    const ref = await create(agents['agent-b']!, { subject: 'B asks agent-a', group: 'Group B' });
    await post(agents['agent-b']!, `/tickets/${ref}/assign`, { group: '', assignee: 'agent-a', version: '1' });
    await agents['lead-a']!.get(`/tickets/${ref}`).expect(200);
  });

  it('follows the workflow, wants a resolution to resolve, and reopens on the requester\'s reply', async () => {
    const ref = await create(agents['client-1']!, { subject: 'Workflow' });
    await post(agents['agent-a']!, `/tickets/${ref}/assign`, { group: 'Группа А', assignee: '', version: '1' }, `/tickets/${ref}`);
    let page = (await agents['agent-a']!.get(`/tickets/${ref}`).expect(200)).text;
    const closed = await post(agents['agent-a']!, `/tickets/${ref}/status`, { status: 'closed', version: String(versionOf(page)) });
    expect(closed.status).toBe(409);
    expect(closed.text).toContain('A ticket cannot go from this status to that one.');
    const noResolution = await post(agents['agent-a']!, `/tickets/${ref}/status`, { status: 'resolved', version: String(versionOf(page)), resolutionCode: 'fixed' });
    expect(noResolution.status).toBe(400);
    expect(noResolution.text).toContain('fixed');
    const resolved = await post(agents['agent-a']!, `/tickets/${ref}/status`, { status: 'resolved', version: String(versionOf(page)), resolutionCode: 'fixed', resolutionText: 'Заменили картридж' });
    expect(resolved.status).toBe(303);
    page = (await agents['client-1']!.get(`/tickets/${ref}`).expect(200)).text;
    expect(page).toContain('data-status="resolved"');
    await post(agents['client-1']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'Всё ещё не работает' });
    page = (await agents['client-1']!.get(`/tickets/${ref}`).expect(200)).text;
    expect(page).toContain('data-status="in_progress"');
    const history = await db().query(
      `SELECT e.kind, e.source, e.changes->>'to' AS "to" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.subject = 'Workflow' ORDER BY e.id`,
    );
    expect(history.map((row: { kind: string; to: string | null }) => (row.kind === 'status_changed' ? `${row.kind}:${row.to}` : row.kind))).toEqual([
      'created',
      'assigned',
      'status_changed:resolved',
      'replied',
      'status_changed:in_progress',
    ]);
  });

  it('refuses a stale change and keeps what was typed (optimistic locking)', async () => {
    const ref = await create(agents['agent-a']!, { subject: 'Two agents at once', group: 'Группа А' });
    const page = (await agents['agent-a']!.get(`/tickets/${ref}`).expect(200)).text;
    const stale = String(versionOf(page));
    await post(agents['lead-a']!, `/tickets/${ref}/take`, { version: stale });
    const lost = await agents['agent-a']!.post(`/tickets/${ref}/status`).type('form').send({ _csrf: csrfOf(page), status: 'resolved', version: stale, resolutionCode: 'dup', resolutionText: 'Мой текст решения' });
    expect(lost.status).toBe(409);
    expect(lost.text).toContain('Someone changed this ticket while you were looking at it.');
    expect(lost.text).toContain('Мой текст решения</textarea>');
    expect(lost.text).toContain('/ lead-a'); // the current state is shown
  });

  it('keeps internal notes from requesters, in the page and the API', async () => {
    const ref = await create(agents['client-1']!, { subject: 'Notes' });
    await post(agents['agent-a']!, `/tickets/${ref}/assign`, { group: 'Группа А', assignee: '', version: '1' });
    await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'note', body: 'секретная заметка' });
    await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'Публичный ответ' });
    const seen = (await agents['client-1']!.get(`/tickets/${ref}`).expect(200)).text;
    expect(seen).toContain('Публичный ответ');
    expect(seen).not.toContain('секретная заметка');
    expect(seen).not.toContain('value="note"');
    const noteByClient = await post(agents['client-1']!, `/tickets/${ref}/messages`, { kind: 'note', body: 'x' });
    expect(noteByClient.status).toBe(404);
    expect((await agents['agent-a']!.get(`/tickets/${ref}`).expect(200)).text).toContain('секретная заметка');
  });

  it('stores script and markup in subjects and bodies safely and renders them inert', async () => {
    const ref = await create(agents['client-1']!, { subject: '<script>alert(1)</script> Тема', description: '<img src=x onerror=alert(1)> <b>жирный</b>' });
    const page = (await agents['client-1']!.get(`/tickets/${ref}`).expect(200)).text;
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Тема');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; &lt;b&gt;жирный&lt;/b&gt;');
    const [client] = await db().query(`SELECT id FROM users WHERE username = 'client-1'`);
    const { token } = await app.app.get(ApiTokenService).create(client.id, { name: 'h', scopes: ['tickets:write', 'tickets:read'] });
    const viaApi = await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${token}`).send({ type: 'incident', subject: 'HTML', descriptionHtml: '<p onclick="x()">ok<script>alert(1)</script><a href="javascript:alert(1)">link</a></p>' }).expect(201);
    expect(viaApi.body.descriptionHtml).toBe('<p>ok<a rel="noopener noreferrer nofollow" target="_blank">link</a></p>');
  });

  it('refuses empty and over-long input, and forms without CSRF', async () => {
    const empty = await post(agents['client-1']!, '/tickets', { type: 'incident', subject: '   ' }, '/tickets/new');
    expect(empty.status).toBe(400);
    const long = await post(agents['client-1']!, '/tickets', { type: 'incident', subject: 'Я'.repeat(251) }, '/tickets/new');
    expect(long.status).toBe(400);
    expect(long.text).toContain('Я'.repeat(251));
    await agents['client-1']!.post('/tickets').type('form').send({ type: 'incident', subject: 'no csrf' }).expect(403);
  });

  it('moves a ticket to a findable Deleted queue and restores it; agents may not', async () => {
    const ref = await create(agents['agent-a']!, { subject: 'To delete', group: 'Группа А' });
    const page = (await agents['lead-a']!.get(`/tickets/${ref}`).expect(200)).text;
    expect((await agents['agent-a']!.get(`/tickets/${ref}`).expect(200)).text).not.toContain(`/tickets/${ref}/delete`);
    await agents['agent-a']!.post(`/tickets/${ref}/delete`).type('form').send({ _csrf: csrfOf(page), version: String(versionOf(page)) }).expect(403);
    await agents['lead-a']!.post(`/tickets/${ref}/delete`).type('form').send({ _csrf: csrfOf(page), version: String(versionOf(page)) }).expect(303);
    await agents['lead-a']!.get(`/tickets/${ref}`).expect(404);
    expect(refsOf((await agents['lead-a']!.get('/tickets').expect(200)).text)).not.toContain(ref);
    const deleted = (await agents['lead-a']!.get('/tickets?queue=deleted').expect(200)).text;
    expect(refsOf(deleted)).toEqual([ref]);
    expect(refsOf((await agents['agent-b']!.get('/tickets?queue=deleted').expect(200)).text)).toEqual([]); // not B's
    await agents['lead-a']!.post(`/tickets/${ref}/restore`).type('form').send({ _csrf: csrfOf(deleted) }).expect(303);
    await agents['lead-a']!.get(`/tickets/${ref}`).expect(200);
    const kinds = await db().query(`SELECT e.kind FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.subject = 'To delete' ORDER BY e.id`);
    expect(kinds.map((row: { kind: string }) => row.kind)).toEqual(['created', 'deleted', 'restored']);
  });

  it('announces lifecycle events to plugins after commit', async () => {
    const seen: string[] = [];
    const hooks = app.app.get(HookBus);
    const off = [hooks.addAction('ticket.created', ({ ref }) => void seen.push(`created ${ref}`)), hooks.addAction('ticket.replied', ({ kind }) => void seen.push(`replied ${kind}`))];
    try {
      const ref = await create(agents['client-1']!, { subject: 'Hooks' });
      await post(agents['client-1']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'hello' });
      await hooks.settled();
      expect(seen).toEqual([`created ${ref}`, 'replied reply']);
    } finally {
      off.forEach((dispose) => dispose());
    }
  });

  it('finds tickets by number, words in any script, replies and requester; notes only for staff', async () => {
    const ref = await create(agents['client-2']!, { subject: 'Сканер зажёвывает бумагу', description: 'Модель XR-200 на втором этаже' });
    await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'reply', body: 'Заменим ролик подачи' });
    await post(agents['agent-a']!, `/tickets/${ref}/messages`, { kind: 'note', body: 'гарантийный случай' });
    const find = async (agent: Agent, q: string) => refsOf((await agent.get(`/tickets?q=${encodeURIComponent(q)}`).expect(200)).text);
    expect(await find(agents['agent-a']!, 'сканер бумаг')).toEqual([ref]);
    expect(await find(agents['agent-a']!, 'XR-200')).toEqual([ref]);
    expect(await find(agents['agent-a']!, ref)).toEqual([ref]);
    expect(await find(agents['agent-a']!, 'ролик')).toEqual([ref]);
    expect(await find(agents['agent-a']!, 'client-2 сканер')).toEqual([ref]);
    expect(await find(agents['agent-a']!, 'гарантийный')).toEqual([ref]);
    expect(await find(agents['client-2']!, 'гарантийный')).toEqual([]); // a note's words tell a requester nothing
    expect(await find(agents['client-2']!, 'ролик')).toEqual([ref]);
    expect(await find(agents['client-1']!, 'сканер')).toEqual([]); // not theirs
    expect(await find(agents['agent-a']!, "'):* | !")).toEqual(await find(agents['agent-a']!, '')); // nothing searchable: no filter, no error
  });

  it('fills a demo desk once with seed:demo', async () => {
    const run = () => COMMANDS['seed:demo']!.run(app.app, { args: [], stdin: '' });
    expect(await run()).toMatch(/^demo desk ready: organisation "Northwind Ltd", 3 work groups, 4 agents and 3 requesters .*, 8 tickets$/);
    expect((await db().query(`SELECT name FROM services ORDER BY name`)).map((row: { name: string }) => row.name)).toEqual(['E-mail', 'Network and VPN', 'Хозяйственная служба / Facilities']);
    // The routing rule tagged the VPN ticket of the demo.
    expect(await db().query(`SELECT tags FROM tickets WHERE subject = 'VPN disconnects every 10 minutes'`)).toEqual([{ tags: ['vpn'] }]);
    const statuses = await db().query(`SELECT status, count(*)::int AS n FROM tickets t JOIN users u ON u.id = t.requester_id WHERE u.username IN ('marina', 'dilshod', 'peter') GROUP BY status ORDER BY status`);
    expect(statuses).toEqual([
      { status: 'closed', n: 2 },
      { status: 'in_progress', n: 2 },
      { status: 'new', n: 2 },
      { status: 'resolved', n: 2 },
    ]);
    expect(await run()).toContain('already there');
  });
});
