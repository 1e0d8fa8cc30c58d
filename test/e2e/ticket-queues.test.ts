import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import type { Actor } from '../../src/kernel/security/actor';
import { UserRepository } from '../../src/identity/user.repository';
import { TicketService } from '../../src/tickets/ticket.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The agent workspace's queues against real PostgreSQL: what each queue holds, its capped count,
// every sort paged by keyset without a row lost or repeated, stars, and the queues a requester
// may not open.

const PASSWORD = 'queues test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const refsOf = (html: string) => [...html.matchAll(/<tr data-ticket="([^"]+)">/g)].map((match) => match[1]!);
const countOf = (html: string, queue: string) => new RegExp(`data-queue="${queue}"[^>]*>[^<]*(?:<span class="badge" data-count>([^<]+)</span>)?`).exec(html)?.[1] ?? null;

describe('ticket queues', () => {
  let app: TestApp;
  const agents: Record<string, Agent> = {};
  const actors: Record<string, Actor> = {};
  const db = () => app.boot.database.dataSource;
  const refs: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('queues-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const [username, roles] of [['agent-a', ['agent']], ['agent-b', ['agent']], ['client', ['requester']]] as const) {
      await people.create({ username, roles: [...roles], email: `${username}@example.com`, password: PASSWORD });
    }
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Queue A', active: true })).id, 'agent-a');
    await groups.addMember(admin, (await groups.create(admin, { name: 'Queue B', active: true })).id, 'agent-b');
    for (const name of ['agent-a', 'agent-b', 'client']) {
      agents[name] = await signedInAgent(app.url, name, PASSWORD);
      actors[name] = (await app.app.get(UserRepository).findActor((await app.app.get(UserRepository).findByUsername(name))!.id))!;
    }
    const tickets = app.app.get(TicketService);
    const create = (actor: Actor, fields: Record<string, unknown>) => tickets.create(actor, { type: 'incident', requester: 'client', ...fields } as never, 'api');
    refs.mine = await create(actors['agent-a']!, { subject: 'Mine', group: 'Queue A', assignee: 'agent-a', impact: 1, urgency: 1 });
    refs.group = await create(actors['agent-a']!, { subject: 'Group only', group: 'Queue A', impact: 3, urgency: 3 });
    refs.unassigned = await create(actors['agent-a']!, { subject: 'Nobody' });
    refs.waiting = await create(actors['agent-a']!, { subject: 'Waiting', group: 'Queue A', assignee: 'agent-a' });
    await tickets.changeStatus(actors['agent-a']!, refs.waiting, { status: 'waiting', version: 1 }, 'api');
    refs.late = await create(actors['agent-a']!, { subject: 'Late', group: 'Queue A' });
    await db().query(`UPDATE tickets SET resolution_due_at = now() - interval '1 hour' WHERE subject = 'Late'`);
    refs.done = await create(actors['agent-a']!, { subject: 'Done', group: 'Queue A', assignee: 'agent-a' });
    await tickets.changeStatus(actors['agent-a']!, refs.done, { status: 'resolved', version: 1, resolutionCode: 'fixed', resolutionText: 'ok' }, 'api');
    refs.other = await create(actors['agent-b']!, { subject: 'Group B', group: 'Queue B' });
  });
  afterAll(() => app.stop());

  it('puts each ticket in the queues it belongs to, open work only in the working queues', async () => {
    const queue = async (name: string) => refsOf((await agents['agent-a']!.get(`/tickets?queue=${name}`).expect(200)).text);
    expect(new Set(await queue('mine'))).toEqual(new Set([refs.mine, refs.waiting]));
    expect(new Set(await queue('groups'))).toEqual(new Set([refs.mine, refs.group, refs.waiting, refs.late]));
    expect(await queue('unassigned')).toEqual(expect.arrayContaining([refs.unassigned, refs.group, refs.late]));
    expect(await queue('unassigned')).not.toContain(refs.other);
    expect(await queue('pending')).toEqual([refs.waiting]);
    expect(await queue('overdue')).toEqual([refs.late]);
    expect(await queue('all')).toContain(refs.done);
    expect(await queue('mine')).not.toContain(refs.done);
  });

  it('shows capped counts of only what the person may see', async () => {
    const page = (await agents['agent-a']!.get('/tickets').expect(200)).text;
    expect(countOf(page, 'mine')).toBe('2');
    expect(countOf(page, 'pending')).toBe('1');
    expect(countOf(page, 'overdue')).toBe('1');
    expect(countOf(page, 'starred')).toBe('0');
    expect(countOf(page, 'all')).toBeNull();
    const other = (await agents['agent-b']!.get('/tickets').expect(200)).text;
    expect(countOf(other, 'groups')).toBe('1');
    expect(countOf(other, 'overdue')).toBe('0');
  });

  it('stars a ticket for one person only, and un-stars it', async () => {
    const page = await agents['agent-a']!.get(`/tickets/${refs.group}`).expect(200);
    await agents['agent-a']!.post(`/tickets/${refs.group}/star`).type('form').send({ _csrf: csrfOf(page.text), starred: 'true' }).expect(303);
    expect(refsOf((await agents['agent-a']!.get('/tickets?queue=starred').expect(200)).text)).toEqual([refs.group]);
    expect(refsOf((await agents['agent-b']!.get('/tickets?queue=starred').expect(200)).text)).toEqual([]);
    expect((await agents['agent-a']!.get(`/tickets/${refs.group}`).expect(200)).text).toContain('aria-pressed="true"');
    await agents['agent-a']!.post(`/tickets/${refs.group}/star`).type('form').send({ _csrf: csrfOf(page.text), starred: 'false' }).expect(303);
    expect(refsOf((await agents['agent-a']!.get('/tickets?queue=starred').expect(200)).text)).toEqual([]);
    // Another group's ticket cannot be starred: it is not found.
    await agents['agent-a']!.post(`/tickets/${refs.other}/star`).type('form').send({ _csrf: csrfOf(page.text), starred: 'true' }).expect(404);
  });

  it('keeps requesters to their own queues', async () => {
    await agents['client']!.get('/tickets?queue=mine').expect(404);
    await agents['client']!.get('/tickets?queue=unassigned').expect(404);
    const own = (await agents['client']!.get('/tickets').expect(200)).text;
    expect(own).not.toContain('data-queue="mine"');
    expect(refsOf(own)).toContain(refs.mine);
  });

  it('pages every sort by keyset without losing or repeating a ticket', async () => {
    const tickets = app.app.get(TicketService);
    for (let i = 0; i < 57; i++) await tickets.create(actors['agent-a']!, { type: 'incident', subject: `Bulk ${i}`, group: 'Queue A', impact: (i % 3) + 1, urgency: ((i >> 1) % 3) + 1 }, 'api');
    const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM tickets WHERE deleted_at IS NULL AND (group_id IS NULL OR group_id = (SELECT id FROM work_groups WHERE name = 'Queue A'))`);
    for (const sort of ['updated', 'created', 'priority', 'due']) {
      const seen: string[] = [];
      let path: string | null = `/tickets?queue=all&sort=${sort}`;
      for (let pages = 0; path && pages < 10; pages++) {
        const html: string = (await agents['agent-a']!.get(path).expect(200)).text;
        seen.push(...refsOf(html));
        path = /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=') ?? null;
      }
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toHaveLength(n);
      if (sort === 'priority') {
        const priorities = await db().query(`SELECT t.type, t.number::text, t.priority FROM tickets t`);
        const byRef = new Map<string, number>(priorities.map((row: { number: string; priority: number }) => [`INC-${row.number}`, row.priority]));
        const order = seen.map((ref) => byRef.get(ref)!);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    }
  });

  it('refuses a forged cursor or one from another sort', async () => {
    const first = (await agents['agent-a']!.get('/tickets?queue=all&sort=created').expect(200)).text;
    const cursor = /cursor(?:=|&#x3D;)([A-Za-z0-9_-]+)/.exec(first)![1]!;
    await agents['agent-a']!.get(`/tickets?queue=all&sort=priority&cursor=${cursor}`).expect(400);
    await agents['agent-a']!.get(`/tickets?queue=all&sort=created&cursor=${Buffer.from("created|x' OR 1=1|y").toString('base64url')}`).expect(400);
  });
});
