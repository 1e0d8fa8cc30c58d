import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Linking, merging and splitting against real PostgreSQL: a merge moves the conversation and files
// and closes the duplicate but both histories stay whole; a split creates a linked ticket from one
// message; an invisible ticket cannot be named in any of them; a stale version is refused.

const PASSWORD = 'relations test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('ticket relations', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('relations-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-a', ['agent']], ['agent-b', ['agent']], ['client-1', ['requester']], ['client-2', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Rel A', active: true })).id, 'agent-a');
    await groups.addMember(admin, (await groups.create(admin, { name: 'Rel B', active: true })).id, 'agent-b');
    for (const name of ['agent-a', 'agent-b', 'client-1', 'client-2']) agents[name] = await signedInAgent(app.url, name, PASSWORD);
  });
  afterAll(() => app.stop());

  async function post(agent: Agent, path: string, fields: Record<string, string>, from: string) {
    const page = await agent.get(from).expect(200);
    return agent.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }
  async function create(agent: Agent, fields: Record<string, string>): Promise<string> {
    const res = await post(agent, '/tickets', { type: 'incident', ...fields }, '/tickets/new');
    expect(res.status).toBe(303);
    return res.headers.location!.replace('/tickets/', '');
  }
  const versionOf = async (agent: Agent, ref: string) => Number(/data-version="(\d+)"/.exec((await agent.get(`/tickets/${ref}`).expect(200)).text)![1]);
  const eventsOf = async (ref: string) =>
    (await db().query(`SELECT e.kind FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE 'INC-' || t.number = $1 ORDER BY e.id`, [ref])).map((row: { kind: string }) => row.kind);

  it('merges a duplicate: the conversation moves, the duplicate closes, both histories stay', async () => {
    const keep = await create(agents['client-1']!, { subject: 'Нет интернета', description: 'С утра' });
    const dup = await create(agents['client-2']!, { subject: 'Интернет не работает', description: 'Тоже с утра' });
    await post(agents['client-2']!, `/tickets/${dup}/messages`, { kind: 'reply', body: 'Всё ещё нет' }, `/tickets/${dup}`);
    const historyBefore = await eventsOf(dup);

    const merged = await post(agents['agent-a']!, `/tickets/${dup}/merge`, { into: keep.toLowerCase(), version: String(await versionOf(agents['agent-a']!, dup)) }, `/tickets/${dup}`);
    expect(merged.status).toBe(303);
    expect(merged.headers.location).toBe(`/tickets/${keep}`);

    const kept = (await agents['agent-a']!.get(`/tickets/${keep}`).expect(200)).text;
    expect(kept).toContain('Всё ещё нет');
    expect(kept).toContain(`${dup}: Интернет не работает`);
    expect(kept).toContain(`data-link="${dup}"`);
    const [dupRow] = await db().query(`SELECT status, resolution_code, merged_into_id IS NOT NULL AS merged FROM tickets WHERE 'INC-' || number = $1`, [dup]);
    expect(dupRow).toEqual({ status: 'closed', resolution_code: 'merged', merged: true });
    expect(await eventsOf(dup)).toEqual([...historyBefore, 'merged']);
    expect((await eventsOf(keep)).at(-1)).toBe('merged_from');
    // The duplicate's requester now follows the ticket that carries on.
    const watchers = await db().query(`SELECT u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id JOIN tickets t ON t.id = w.ticket_id WHERE 'INC-' || t.number = $1`, [keep]);
    expect(watchers).toEqual([{ username: 'client-2' }]);
    // Search finds the moved reply under the ticket that carries on.
    expect((await agents['agent-a']!.get(`/tickets?q=${encodeURIComponent('всё ещё')}`).expect(200)).text).toContain(`data-ticket="${keep}"`);

    const again = await post(agents['agent-a']!, `/tickets/${dup}/merge`, { into: keep, version: String(await versionOf(agents['agent-a']!, dup)) }, `/tickets/${dup}`);
    expect(again.status).toBe(409);
  });

  it('refuses a stale version, the same ticket and a ticket the agent may not see, keeping the input', async () => {
    const one = await create(agents['agent-a']!, { subject: 'Один', requester: 'client-1', group: 'Rel A' });
    const two = await create(agents['agent-a']!, { subject: 'Два', requester: 'client-1', group: 'Rel A' });
    const hidden = await create(agents['agent-b']!, { subject: 'Чужая', requester: 'client-2', group: 'Rel B' });
    const stale = await post(agents['agent-a']!, `/tickets/${one}/merge`, { into: two, version: '99' }, `/tickets/${one}`);
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Someone changed this ticket');
    const same = await post(agents['agent-a']!, `/tickets/${one}/links`, { other: one }, `/tickets/${one}`);
    expect(same.status).toBe(400);
    const foreign = await post(agents['agent-a']!, `/tickets/${one}/links`, { other: hidden }, `/tickets/${one}`);
    expect(foreign.status).toBe(400);
    expect(foreign.text).toContain(`There is no ticket ${hidden} you can see.`);
    expect(foreign.text).toContain(`value="${hidden}"`);
    const intoHidden = await post(agents['agent-a']!, `/tickets/${one}/merge`, { into: hidden, version: String(await versionOf(agents['agent-a']!, one)) }, `/tickets/${one}`);
    expect(intoHidden.status).toBe(400);
    expect(await db().query(`SELECT 1 FROM ticket_links`)).toHaveLength(1); // only the merge of the first test
    // A requester cannot link or merge at all.
    const mine = await create(agents['client-1']!, { subject: 'Моя' });
    expect((await post(agents['client-1']!, `/tickets/${mine}/links`, { other: one }, `/tickets/${mine}`)).status).toBe(403);
  });

  it('links related tickets both ways and unlinks them, with history on both', async () => {
    const one = await create(agents['agent-a']!, { subject: 'Сервер', requester: 'client-1', group: 'Rel A' });
    const two = await create(agents['agent-a']!, { subject: 'Бэкап', requester: 'client-1', group: 'Rel A' });
    expect((await post(agents['agent-a']!, `/tickets/${one}/links`, { other: two }, `/tickets/${one}`)).status).toBe(303);
    expect((await post(agents['agent-a']!, `/tickets/${two}/links`, { other: one }, `/tickets/${two}`)).status).toBe(303); // already linked: no twin
    expect((await agents['agent-a']!.get(`/tickets/${two}`).expect(200)).text).toContain(`data-link="${one}"`);
    expect(await eventsOf(two)).toEqual(['created', 'linked']);
    expect((await post(agents['agent-a']!, `/tickets/${two}/links/remove`, { other: one }, `/tickets/${two}`)).status).toBe(303);
    expect((await agents['agent-a']!.get(`/tickets/${one}`).expect(200)).text).not.toContain(`data-link="${two}"`);
    expect((await eventsOf(one)).slice(-1)).toEqual(['unlinked']);
  });

  it('splits a message off into a new linked ticket for the same requester and group', async () => {
    const original = await create(agents['agent-a']!, { subject: 'Много проблем', requester: 'client-1', group: 'Rel A' });
    await post(agents['client-1']!, `/tickets/${original}/messages`, { kind: 'reply', body: 'И ещё сломался сканер' }, `/tickets/${original}`);
    const [{ id: messageId }] = await db().query(`SELECT m.id FROM ticket_messages m WHERE m.body_text LIKE 'И ещё сломался%'`);
    const split = await post(agents['agent-a']!, `/tickets/${original}/messages/${messageId}/split`, { subject: 'Сканер' }, `/tickets/${original}`);
    expect(split.status).toBe(303);
    const created = split.headers.location!.replace('/tickets/', '');
    const page = (await agents['client-1']!.get(`/tickets/${created}`).expect(200)).text;
    expect(page).toContain('И ещё сломался сканер');
    expect(page).toContain('Assigned to: Rel A');
    expect(page).toContain(`data-link="${original}"`);
    expect((await eventsOf(original)).at(-1)).toBe('split');
    expect(await eventsOf(created)).toEqual(['created', 'split_from']);
    // The message stays in the original too.
    expect((await agents['agent-a']!.get(`/tickets/${original}`).expect(200)).text).toContain('И ещё сломался сканер');
    // A message of another ticket cannot be split off this one.
    const other = await create(agents['agent-a']!, { subject: 'Другая', requester: 'client-1', group: 'Rel A' });
    expect((await post(agents['agent-a']!, `/tickets/${other}/messages/${messageId}/split`, { subject: 'x' }, `/tickets/${other}`)).status).toBe(404);
  });

  it('offers the same actions in the API', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'agent-a'`);
    const { token } = await app.app.get(ApiTokenService).create(id, { name: 'rel', scopes: ['tickets:read', 'tickets:write'] });
    const api = (path: string) => request(app.url).post(`/api/v1/tickets/${path}`).set('Authorization', `Bearer ${token}`);
    const a = (await api('').send({ type: 'incident', subject: 'API один', requester: 'client-1', group: 'Rel A' }).expect(201)).body;
    const b = (await api('').send({ type: 'incident', subject: 'API два', requester: 'client-1', group: 'Rel A' }).expect(201)).body;
    await api(`${a.ref}/links`).send({ other: b.ref }).expect(201);
    const merged = await api(`${b.ref}/merge`).send({ into: a.ref, version: b.version }).expect(201);
    expect(merged.body.ref).toBe(a.ref);
    const withReply = await api(`${a.ref}/messages`).send({ kind: 'reply', bodyHtml: '<p>Отдельный вопрос</p>' }).expect(201);
    const messageId = withReply.body.messages.at(-1).id;
    const split = await api(`${a.ref}/messages/${messageId}/split`).send({ subject: 'Отдельно' }).expect(201);
    expect(split.body).toMatchObject({ subject: 'Отдельно', group: 'Rel A' });
  });
});
