import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { AbsenceService } from '../../src/identity/users/absence.service';
import type { Actor } from '../../src/kernel/security/actor';
import { TicketRepository } from '../../src/tickets/ticket.repository';
import { TicketService } from '../../src/tickets/ticket.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Automatic assignment inside a group against real PostgreSQL: round-robin that is fair even under
// concurrent registrations, absent members skipped in favour of their substitutes, least-loaded,
// and every automatic decision in the history with the rule that made it.

const PASSWORD = 'assignment test password';

describe('automatic assignment inside a work group', () => {
  let app: TestApp;
  let admin: Actor;
  let groupId: string;
  const db = () => app.boot.database.dataSource;
  const tickets = () => app.app.get(TicketService);
  const assigneesOf = async (subjectPrefix: string): Promise<string[]> =>
    (await db().query(`SELECT u.username FROM tickets t JOIN users u ON u.id = t.assignee_id WHERE t.subject LIKE $1 || '%' ORDER BY t.number`, [subjectPrefix])).map((row: { username: string }) => row.username);

  beforeAll(async () => {
    app = await startTestApp('postgres');
    admin = await app.app.get(AuthService).createAdmin('assign-admin', PASSWORD);
    for (const login of ['ann', 'bob', 'cat', 'dan']) await app.app.get(UserAdminService).create({ username: login, roles: ['agent'] });
    const groups = app.app.get(WorkGroupService);
    const group = await groups.create(admin, { name: 'Support', active: true });
    for (const login of ['ann', 'bob', 'cat']) await groups.addMember(admin, group.id, login);
    groupId = group.id;
  });
  afterAll(() => app.stop());

  it('is switched on from the group\'s admin page', async () => {
    const agent = await signedInAgent(app.url, 'assign-admin', PASSWORD);
    const page = await agent.get(`/admin/groups/${groupId}`).expect(200);
    expect(page.text).toContain('<option value="manual" selected>');
    await agent.post(`/admin/groups/${groupId}`).type('form').send({ _csrf: csrfOf(page.text), name: 'Support', active: 'on', assignmentMode: 'round_robin' }).expect(303);
    expect((await agent.get(`/admin/groups/${groupId}`).expect(200)).text).toContain('<option value="round_robin" selected>');
    const bad = await agent.post(`/admin/groups/${groupId}`).type('form').send({ _csrf: csrfOf(page.text), name: 'Support', active: 'on', assignmentMode: 'lottery' });
    expect(bad.status).toBe(400);
  });

  it('goes round the members, and a substitute takes an absent member\'s turn', async () => {
    const bob = toActor((await app.app.get(UserRepository).findByUsername('bob'))!);
    const today = new Date().toISOString().slice(0, 10);
    await app.app.get(AbsenceService).add(bob, bob.id, { kind: 'vacation', from: today, to: today, substitute: 'dan' });
    for (let i = 1; i <= 6; i++) await tickets().create(admin, { type: 'incident', subject: `RR ${i}`, group: 'Support' }, 'web');
    expect(await assigneesOf('RR ')).toEqual(['ann', 'dan', 'cat', 'ann', 'dan', 'cat']);
    const [decision] = await db().query(
      `SELECT e.source, e.changes->>'rule' AS rule, s.username AS "substituteFor" FROM ticket_events e
         JOIN tickets t ON t.id = e.ticket_id JOIN users s ON s.id = (e.changes->>'substituteFor')::uuid
        WHERE t.subject = 'RR 2' AND e.kind = 'auto_assigned'`,
    );
    expect(decision).toEqual({ source: 'rule', rule: 'round_robin', substituteFor: 'bob' });
  });

  it('stays fair when many tickets arrive at once', async () => {
    await Promise.all(Array.from({ length: 9 }, (_, i) => tickets().create(admin, { type: 'incident', subject: `Burst ${i}`, group: 'Support' }, 'web')));
    const counts = new Map<string, number>();
    for (const login of await assigneesOf('Burst ')) counts.set(login, (counts.get(login) ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual([['ann', 3], ['cat', 3], ['dan', 3]]);
  });

  it('gives the ticket to the least loaded member in that mode', async () => {
    await app.app.get(WorkGroupService).update(admin, groupId, { name: 'Support', assignmentMode: 'least_loaded' });
    // ann closes her tickets: she now has the fewest open ones.
    await db().query(`UPDATE tickets SET status = 'closed' FROM users u WHERE u.id = tickets.assignee_id AND u.username = 'ann'`);
    await tickets().create(admin, { type: 'incident', subject: 'LL 1', group: 'Support' }, 'web');
    expect(await assigneesOf('LL ')).toEqual(['ann']);
  });

  it('counts open tickets only, up to the cap, for the least-loaded pick', async () => {
    const people: Array<{ id: string; username: string; open: number; all: number }> = await db().query(
      `SELECT u.id, u.username, count(*) FILTER (WHERE t.is_open)::int AS open, count(t.id)::int AS "all"
         FROM users u LEFT JOIN tickets t ON t.assignee_id = u.id AND t.deleted_at IS NULL
        WHERE u.username IN ('ann', 'bob', 'cat', 'dan') GROUP BY u.id, u.username ORDER BY u.username`,
    );
    const load = await app.app.get(TicketRepository).openLoad(people.map((person) => person.id), 2);
    expect(people.map((person) => load.get(person.id))).toEqual(people.map((person) => Math.min(person.open, 2)));
    // What this covers: ann's closed tickets do not count, and someone holds more than the cap.
    expect(people.find((person) => person.username === 'ann')!.all).toBeGreaterThan(people.find((person) => person.username === 'ann')!.open);
    expect(Math.max(...people.map((person) => person.open))).toBeGreaterThan(2);
  });

  it('leaves a named assignee alone, and manual groups unassigned', async () => {
    await tickets().create(admin, { type: 'incident', subject: 'Named 1', group: 'Support', assignee: 'cat' }, 'web');
    expect(await assigneesOf('Named ')).toEqual(['cat']);
    await app.app.get(WorkGroupService).update(admin, groupId, { name: 'Support', assignmentMode: 'manual' });
    await tickets().create(admin, { type: 'incident', subject: 'Manual 1', group: 'Support' }, 'web');
    expect(await assigneesOf('Manual ')).toEqual([]);
  });
});
