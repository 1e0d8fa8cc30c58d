import type { Role } from '../../kernel/security/roles';
import { canSee, visibilityCondition, visibilityScope, type Addressed, type Memberships } from './visibility-scope';

const none: Memberships = { memberOf: [], leads: [], ledMembers: [] };
const actor = (id: string, ...roles: Role[]) => ({ id, roles });
const record = (fields: Partial<Addressed>): Addressed => ({ requesterId: null, assigneeId: null, groupId: null, ...fields });

describe('visibilityScope', () => {
  it('lets administrators and managers see everything', () => {
    expect(visibilityScope(actor('a', 'administrator'), none)).toEqual({ kind: 'all' });
    expect(visibilityScope(actor('m', 'manager', 'agent'), { memberOf: ['g1'], leads: [], ledMembers: [] })).toEqual({ kind: 'all' });
  });

  it('gives a requester only their own requests, whatever groups they are in', () => {
    expect(visibilityScope(actor('r', 'requester'), { memberOf: ['g1'], leads: ['g1'], ledMembers: ['x'] })).toEqual({ kind: 'limited', userId: 'r', groupIds: [], ledUserIds: [], unaddressed: false, organisationId: null });
    expect(visibilityScope(actor('r', 'requester'), { ...none, sharedOrganisationId: 'o1' })).toMatchObject({ kind: 'limited', organisationId: 'o1' });
    expect(visibilityScope(actor('nobody'), none)).toEqual({ kind: 'limited', userId: 'nobody', groupIds: [], ledUserIds: [], unaddressed: false, organisationId: null });
  });

  it('gives an agent their groups, and a lead the groups they lead and their members', () => {
    expect(visibilityScope(actor('a1', 'agent'), { memberOf: ['g2', 'g1'], leads: [], ledMembers: [] })).toEqual({ kind: 'limited', userId: 'a1', groupIds: ['g1', 'g2'], ledUserIds: [], unaddressed: true, organisationId: null });
    expect(visibilityScope(actor('l1', 'group_lead'), { memberOf: ['g1'], leads: ['g1', 'g3'], ledMembers: ['l1', 'a1', 'a2', 'a1'] })).toEqual({
      kind: 'limited',
      userId: 'l1',
      groupIds: ['g1', 'g3'],
      ledUserIds: ['a1', 'a2'],
      unaddressed: true,
      organisationId: null,
    });
  });
});

describe('canSee', () => {
  const agent = visibilityScope(actor('a1', 'agent'), { memberOf: ['g1'], leads: [], ledMembers: [] });
  const lead = visibilityScope(actor('l1', 'specialist'), { memberOf: ['g1'], leads: ['g1'], ledMembers: ['l1', 'a1'] });
  const requester = visibilityScope(actor('r1', 'requester'), none);
  const colleague = visibilityScope(actor('r3', 'requester'), { ...none, sharedOrganisationId: 'o1' });

  it.each([
    ['their own request', agent, record({ requesterId: 'a1' }), true],
    ['a record assigned to them in another group', agent, record({ assigneeId: 'a1', groupId: 'g9' }), true],
    ['a record of their group', agent, record({ groupId: 'g1' }), true],
    ['another group\'s record', agent, record({ groupId: 'g2', assigneeId: 'x' }), false],
    ['an unaddressed record of someone else (the shared inbox)', agent, record({ requesterId: 'r1' }), true],
    ['a record addressed only to someone else', agent, record({ requesterId: 'r1', assigneeId: 'x' }), false],
    ['an unaddressed request of someone else, as requester', requester, record({ requesterId: 'r2' }), false],
    ['a member\'s record in another group, as lead', lead, record({ assigneeId: 'a1', groupId: 'g7' }), true],
    ['a non-member\'s record in another group, as lead', lead, record({ assigneeId: 'x', groupId: 'g7' }), false],
    ['their own request, as requester', requester, record({ requesterId: 'r1', groupId: 'g1' }), true],
    ['another requester\'s request', requester, record({ requesterId: 'r2', groupId: 'g1' }), false],
    ['another requester\'s request of the same organisation, as requester', requester, record({ requesterId: 'r2', organisationId: 'o1' }), false],
    ['a colleague\'s request where the organisation shares requests', colleague, record({ requesterId: 'r2', organisationId: 'o1' }), true],
    ['another organisation\'s request where one\'s own shares requests', colleague, record({ requesterId: 'r2', organisationId: 'o2' }), false],
    ['a request with no organisation where one\'s own shares requests', colleague, record({ requesterId: 'r2', organisationId: null }), false],
  ] as const)('%s: %s', (_what, scope, item, expected) => {
    expect(canSee(scope, item)).toBe(expected);
  });
});

describe('visibilityCondition', () => {
  const columns = { requester: 't.requester_id', assignee: 't.assignee_id', group: 't.group_id', organisation: 't.organisation_id' };
  const compile = (scope: Parameters<typeof visibilityCondition>[0]) => {
    const params: unknown[] = [];
    const sql = visibilityCondition(scope, columns, (value) => `$${params.push(value)}`);
    return { sql, params };
  };

  it('is no condition at all for those who see everything', () => {
    expect(compile({ kind: 'all' })).toEqual({ sql: 'TRUE', params: [] });
  });

  it('passes every value as a parameter, arrays included', () => {
    expect(compile({ kind: 'limited', userId: "x' OR '1'='1", groupIds: ['g1', 'g2'], ledUserIds: ['a1'], unaddressed: true, organisationId: null })).toEqual({
      sql: '(t.requester_id = $1 OR t.assignee_id = $1 OR t.group_id = ANY ($2::uuid[]) OR t.assignee_id = ANY ($3::uuid[]) OR (t.group_id IS NULL AND t.assignee_id IS NULL))',
      params: ["x' OR '1'='1", ['g1', 'g2'], ['a1']],
    });
  });

  it('adds the shared organisation as one more parameter', () => {
    expect(compile({ kind: 'limited', userId: 'r1', groupIds: [], ledUserIds: [], unaddressed: false, organisationId: 'o1' })).toEqual({
      sql: '(t.requester_id = $1 OR t.assignee_id = $1 OR t.organisation_id = $2)',
      params: ['r1', 'o1'],
    });
  });

  it('leaves out empty lists', () => {
    expect(compile({ kind: 'limited', userId: 'r1', groupIds: [], ledUserIds: [], unaddressed: false, organisationId: null })).toEqual({ sql: '(t.requester_id = $1 OR t.assignee_id = $1)', params: ['r1'] });
  });
});
