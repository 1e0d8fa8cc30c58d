import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Hand-offs and time against real PostgreSQL: transfers and escalations form a chain shown on the
// ticket, escalation follows each group's next line (set on the group's page) or goes to the
// service owner, a contractor handover parks the ticket, and the work log totals time per person.

const PASSWORD = 'work test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('ticket hand-offs and work log', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('work-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['l1', ['agent']], ['l2', ['agent']], ['owner', ['specialist']], ['client', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Первая линия', active: true })).id, 'l1');
    await groups.addMember(admin, (await groups.create(admin, { name: 'Вторая линия', active: true, assignmentMode: 'round_robin' })).id, 'l2');
    await groups.create(admin, { name: 'Network', active: true });
    agents.admin = await signedInAgent(app.url, 'work-admin', PASSWORD);
    for (const name of ['l1', 'l2', 'client']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
    await db().query(`INSERT INTO services (name, owner_id) SELECT 'Почта', id FROM users WHERE username = 'owner'`);
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, fields: Record<string, string>, from: string) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }
  const versionOf = async (agent: Agent, ref: string) => String(/data-version="(\d+)"/.exec((await agent.get(`/tickets/${ref}`).expect(200)).text)![1]);
  async function create(fields: Record<string, string>): Promise<string> {
    const res = await post(agents.l1!, '/tickets', { type: 'incident', requester: 'client', ...fields }, '/tickets/new');
    expect(res.status).toBe(303);
    return res.headers.location!.replace('/tickets/', '');
  }

  it('lets an administrator set a group\'s next line, refusing itself and unknown groups', async () => {
    const [{ id }] = await db().query(`SELECT id FROM work_groups WHERE name = 'Первая линия'`);
    const self = await post(agents.admin!, `/admin/groups/${id}`, { name: 'Первая линия', escalationGroup: 'первая линия', active: 'on' }, `/admin/groups/${id}`);
    expect(self.status).toBe(400);
    expect(self.text).toContain('A group cannot escalate to itself.');
    expect((await post(agents.admin!, `/admin/groups/${id}`, { name: 'Первая линия', escalationGroup: 'Нет такой', active: 'on' }, `/admin/groups/${id}`)).status).toBe(400);
    expect((await post(agents.admin!, `/admin/groups/${id}`, { name: 'Первая линия', escalationGroup: 'вторая линия', active: 'on' }, `/admin/groups/${id}`)).status).toBe(303);
    expect((await agents.admin!.get(`/admin/groups/${id}`).expect(200)).text).toContain('value="Вторая линия"');
  });

  it('escalates to the next line and transfers on, keeping the chain visible on the ticket', async () => {
    const ref = await create({ subject: 'Сервер недоступен', group: 'Первая линия', assignee: 'l1' });
    const escalated = await post(agents.l1!, `/tickets/${ref}/escalate`, { to: 'next_line', reason: 'Нужен админ', version: await versionOf(agents.l1!, ref) }, `/tickets/${ref}`);
    expect(escalated.status).toBe(303);
    // The next line's round-robin picked its only member.
    const [row] = await db().query(`SELECT g.name AS "group", u.username AS assignee FROM tickets t JOIN work_groups g ON g.id = t.group_id LEFT JOIN users u ON u.id = t.assignee_id WHERE 'INC-' || t.number = $1`, [ref]);
    expect(row).toEqual({ group: 'Вторая линия', assignee: 'l2' });
    const transferred = await post(agents.l2!, `/tickets/${ref}/transfer`, { group: 'network', reason: 'Сетевое', version: await versionOf(agents.l2!, ref) }, `/tickets/${ref}`);
    expect(transferred.status).toBe(303);
    // Passed on out of l2's view: back to the queue, not to a page that would say "not found".
    expect(transferred.headers.location).toBe('/tickets');
    const page = (await agents.admin!.get(`/tickets/${ref}`).expect(200)).text;
    const chain = [...page.matchAll(/<li data-transfer="([a-z]+)">[^·]*· ([^<]+?)(?: <span|<\/li>)/g)].map((m) => `${m[1]}: ${m[2]}`);
    expect(chain).toEqual(['escalation: escalated: Первая линия → Вторая линия', 'transfer: transferred: Вторая линия → Network']);
    const kinds = (await db().query(`SELECT e.kind FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE 'INC-' || t.number = $1 ORDER BY e.id`, [ref])).map((e: { kind: string }) => e.kind);
    expect(kinds).toEqual(['created', 'assigned', 'auto_assigned', 'escalated', 'assigned', 'transferred']);
  });

  it('refuses an escalation with nowhere to go and a transfer to the same group, keeping the input', async () => {
    const ref = await create({ subject: 'Без следующей линии', group: 'Network' });
    // l1 is not in Network: the ticket left their view with its creation; the administrator works it.
    await agents.l1!.get(`/tickets/${ref}`).expect(404);
    const worker = agents.admin!;
    const nowhere = await post(worker, `/tickets/${ref}/escalate`, { to: 'next_line', reason: 'срочно', version: await versionOf(worker, ref) }, `/tickets/${ref}`);
    expect(nowhere.status).toBe(409);
    expect(nowhere.text).toContain('group has no next line to escalate to.');
    expect(nowhere.text).toContain('value="срочно"');
    const noOwner = await post(worker, `/tickets/${ref}/escalate`, { to: 'service_owner', version: await versionOf(worker, ref) }, `/tickets/${ref}`);
    expect(noOwner.status).toBe(409);
    const same = await post(worker, `/tickets/${ref}/transfer`, { group: 'Network', version: await versionOf(worker, ref) }, `/tickets/${ref}`);
    expect(same.status).toBe(400);
    const stale = await post(worker, `/tickets/${ref}/transfer`, { group: 'Первая линия', version: '999' }, `/tickets/${ref}`);
    expect(stale.status).toBe(409);
  });

  it('escalates to the service owner and hands over to a contractor, which parks the ticket', async () => {
    const ref = await create({ subject: 'Почта не ходит', group: 'Первая линия', service: 'Почта' });
    expect((await post(agents.l1!, `/tickets/${ref}/escalate`, { to: 'service_owner', version: await versionOf(agents.l1!, ref) }, `/tickets/${ref}`)).status).toBe(303);
    const [{ assignee }] = await db().query(`SELECT u.username AS assignee FROM tickets t JOIN users u ON u.id = t.assignee_id WHERE 'INC-' || t.number = $1`, [ref]);
    expect(assignee).toBe('owner');
    const blank = await post(agents.l1!, `/tickets/${ref}/handover`, { contractor: '  ', contractRef: 'Д-12', version: await versionOf(agents.l1!, ref) }, `/tickets/${ref}`);
    expect(blank.status).toBe(400);
    expect(blank.text).toContain('value="Д-12"');
    expect((await post(agents.l1!, `/tickets/${ref}/handover`, { contractor: 'ООО «Связь»', contractRef: 'Д-12', reason: 'Их сервер', version: await versionOf(agents.l1!, ref) }, `/tickets/${ref}`)).status).toBe(303);
    const [parked] = await db().query(`SELECT status, contractor, contract_ref FROM tickets WHERE 'INC-' || number = $1`, [ref]);
    expect(parked).toEqual({ status: 'waiting', contractor: 'ООО «Связь»', contract_ref: 'Д-12' });
    expect((await agents.l1!.get('/tickets?queue=pending').expect(200)).text).toContain(`data-ticket="${ref}"`);
    expect((await agents.l1!.get(`/tickets/${ref}`).expect(200)).text).toContain('With contractor ООО «Связь» (Д-12)');
  });

  it('logs time per person, refusing unreadable times and days ahead', async () => {
    const ref = await create({ subject: 'Настройка', group: 'Первая линия' });
    for (const [agent, time] of [[agents.l1!, '1h 30m'], [agents.l1!, '15'], [agents.admin!, '1,5 ч']] as const) {
      expect((await post(agent, `/tickets/${ref}/work`, { time, note: 'работа' }, `/tickets/${ref}`)).status).toBe(303);
    }
    const bad = await post(agents.l1!, `/tickets/${ref}/work`, { time: 'долго', note: 'что-то' }, `/tickets/${ref}`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter the time spent');
    expect(bad.text).toContain('value="что-то"');
    expect((await post(agents.l1!, `/tickets/${ref}/work`, { time: '10', workedOn: '2999-01-01' }, `/tickets/${ref}`)).status).toBe(400);
    const page = (await agents.l1!.get(`/tickets/${ref}`).expect(200)).text;
    expect(/<p data-work-totals>([^<]+)<\/p>/.exec(page)![1]).toBe('l1: 1 h 45 min; work-admin: 1 h 30 min');
    await agents.client!.get(`/tickets/${ref}`).expect(200).then((res) => expect(res.text).not.toContain('data-work-totals'));
  });

  it('offers the same in the API', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'l1'`);
    const { token } = await app.app.get(ApiTokenService).create(id, { name: 'work', scopes: ['tickets:read', 'tickets:write'] });
    const api = (path: string) => request(app.url).post(`/api/v1/tickets${path}`).set('Authorization', `Bearer ${token}`);
    const ticket = (await api('').send({ type: 'incident', subject: 'API', requester: 'client', group: 'Первая линия' }).expect(201)).body;
    await api(`/${ticket.ref}/work`).send({ time: '20 min' }).expect(201);
    await api(`/${ticket.ref}/work`).send({ time: 'x' }).expect(400);
    await api(`/${ticket.ref}/transfer`).send({ group: 'Network', reason: 'API', version: ticket.version }).expect(204);
    const [{ group }] = await db().query(`SELECT g.name AS group FROM tickets t JOIN work_groups g ON g.id = t.group_id WHERE 'INC-' || t.number = $1`, [ticket.ref]);
    expect(group).toBe('Network');
    const [{ minutes }] = await db().query(`SELECT sum(minutes)::int AS minutes FROM ticket_work_log w JOIN tickets t ON t.id = w.ticket_id WHERE 'INC-' || t.number = $1`, [ticket.ref]);
    expect(minutes).toBe(20);
  });
});
