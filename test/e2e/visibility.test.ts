import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { VisibilityService } from '../../src/identity/visibility/visibility.service';
import { visibilityCondition } from '../../src/identity/visibility/visibility-scope';
import type { Actor } from '../../src/kernel/security/actor';
import { startTestApp, type TestApp } from '../support/test-app';

// Visibility scopes from real work groups, and the SQL condition they turn into, run by
// PostgreSQL over a small table of addressed records.

describe('visibility scopes from work groups', () => {
  let app: TestApp;
  const people: Record<string, Actor> = {};
  const groupIds: Record<string, string> = {};
  const scope = (name: string) => app.app.get(VisibilityService).scopeFor(people[name]!);

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('vis-admin', 'visibility admin password');
    const create = app.app.get(UserAdminService);
    people.lead = await create.create({ username: 'lead', roles: ['group_lead'] });
    people.agentA = await create.create({ username: 'agent-a', roles: ['agent'] });
    people.agentB = await create.create({ username: 'agent-b', roles: ['agent'] });
    people.client = await create.create({ username: 'client', roles: ['requester'] });
    people.boss = await create.create({ username: 'boss', roles: ['manager'] });
    people.colleague = await create.create({ username: 'colleague', roles: ['requester'] });
    people.outsider = await create.create({ username: 'outsider', roles: ['requester'] });
    const groups = app.app.get(WorkGroupService);
    const a = await groups.create(admin, { name: 'Group A', lead: 'lead', active: true });
    await groups.addMember(admin, a.id, 'agent-a');
    const b = await groups.create(admin, { name: 'Group B', active: true });
    await groups.addMember(admin, b.id, 'agent-b');
    groupIds.a = a.id;
    groupIds.b = b.id;
    const db = app.boot.database.dataSource;
    // The client's organisation shares its requests among its people; the outsider's does not.
    const [shared] = await db.query(`INSERT INTO organisations (name, requests_shared) VALUES ('Shared Ltd', true) RETURNING id`);
    const [closed] = await db.query(`INSERT INTO organisations (name) VALUES ('Private Ltd') RETURNING id`);
    await db.query(`UPDATE users SET organisation_id = $1 WHERE username IN ('client', 'colleague')`, [shared.id]);
    await db.query(`UPDATE users SET organisation_id = $1 WHERE username = 'outsider'`, [closed.id]);
    await db.query(`CREATE TABLE addressed (name text, requester_id uuid, assignee_id uuid, group_id uuid, organisation_id uuid)`);
    const rows: Array<[string, string | null, string | null, string | null, string | null]> = [
      ['A-queue', people.client.id, null, a.id, shared.id],
      ['A-for-agent-a-in-B', people.client.id, people.agentA.id, b.id, shared.id],
      ['B-queue', people.client.id, null, b.id, shared.id],
      ['B-for-agent-b', null, people.agentB.id, b.id, null],
      ['agent-b-asks', people.agentB.id, null, null, null],
      ['outsider-asks', people.outsider.id, null, b.id, closed.id],
    ];
    for (const row of rows) await db.query(`INSERT INTO addressed VALUES ($1, $2, $3, $4, $5)`, row);
  });
  afterAll(() => app.stop());

  async function visibleTo(name: string): Promise<string[]> {
    const params: unknown[] = [];
    const where = visibilityCondition(await scope(name), { requester: 'requester_id', assignee: 'assignee_id', group: 'group_id', organisation: 'organisation_id' }, (value) => `$${params.push(value)}`);
    const rows: Array<{ name: string }> = await app.boot.database.dataSource.query(`SELECT name FROM addressed WHERE ${where} ORDER BY name`, params);
    return rows.map((row) => row.name);
  }

  it('shows an agent their group\'s records and what is addressed to them', async () => {
    expect(await visibleTo('agentA')).toEqual(['A-for-agent-a-in-B', 'A-queue', 'agent-b-asks']); // the last is addressed to nobody yet
    expect(await visibleTo('agentB')).toEqual(['A-for-agent-a-in-B', 'B-for-agent-b', 'B-queue', 'agent-b-asks', 'outsider-asks']);
  });

  it('shows a lead their group and whatever is addressed to its members', async () => {
    expect(await scope('lead')).toMatchObject({ groupIds: [groupIds.a], ledUserIds: [people.agentA!.id] });
    expect(await visibleTo('lead')).toEqual(['A-for-agent-a-in-B', 'A-queue', 'agent-b-asks']);
  });

  it('shows a requester only their own requests, and a manager everything', async () => {
    expect(await visibleTo('client')).toEqual(['A-for-agent-a-in-B', 'A-queue', 'B-queue']);
    expect(await visibleTo('boss')).toHaveLength(6);
  });

  it('shows requesters their colleagues\' requests only where the organisation shares them', async () => {
    expect(await visibleTo('colleague')).toEqual(['A-for-agent-a-in-B', 'A-queue', 'B-queue']);
    expect(await visibleTo('outsider')).toEqual(['outsider-asks']);
    await app.boot.database.dataSource.query(`UPDATE organisations SET requests_shared = false WHERE name = 'Shared Ltd'`);
    expect(await visibleTo('colleague')).toEqual([]);
    expect(await visibleTo('client')).toEqual(['A-for-agent-a-in-B', 'A-queue', 'B-queue']);
  });
});
