import type { Role } from '../../kernel/security/roles';

/**
 * Which records addressed to people and groups (tickets first) an actor may see:
 * - administrators and managers see everything;
 * - everyone sees what they asked for themselves (as its requester);
 * - staff see what is addressed to them or to a work group they belong to, and what is addressed
 *   to nobody yet (the shared inbox the first line triages, until routing addresses it);
 * - a group's lead (its coordinator) also sees everything addressed to any member of the group.
 * - people of an organisation that shares its requests see every request of that organisation.
 * A requester with no other role has no groups here, so sees only their own requests (and, when
 * the organisation shares them, their colleagues').
 */
export type VisibilityScope =
  | { kind: 'all' }
  | {
      kind: 'limited';
      userId: string;
      /** Groups whose records the actor sees: their own, and those they lead. */
      groupIds: string[];
      /** People whose records the actor sees as their lead (members of the groups they lead). */
      ledUserIds: string[];
      /** Whether records addressed to no group and no person are visible (staff). */
      unaddressed: boolean;
      /** The actor's organisation when it shares its requests among its people, else null. */
      organisationId: string | null;
    };

/** What the actor's work groups say about them. */
export interface Memberships {
  /** Groups the actor is a member of. */
  memberOf: readonly string[];
  /** Groups the actor leads. */
  leads: readonly string[];
  /** Members of the groups the actor leads (the actor among them). */
  ledMembers: readonly string[];
  /** The actor's organisation if it shares requests among its people. */
  sharedOrganisationId?: string | null;
}

/** Roles that see every record. */
const SEE_ALL: readonly Role[] = ['administrator', 'manager'];
/** Roles that work records addressed to groups (as opposed to only asking). */
const STAFF: readonly Role[] = ['agent', 'specialist', 'group_lead', 'change_approver', 'knowledge_editor'];

export function visibilityScope(actor: { id: string; roles: readonly Role[] }, memberships: Memberships): VisibilityScope {
  if (actor.roles.some((role) => SEE_ALL.includes(role))) return { kind: 'all' };
  const organisationId = memberships.sharedOrganisationId ?? null;
  if (!actor.roles.some((role) => STAFF.includes(role))) return { kind: 'limited', userId: actor.id, groupIds: [], ledUserIds: [], unaddressed: false, organisationId };
  const groupIds = [...new Set([...memberships.memberOf, ...memberships.leads])].sort();
  const ledUserIds = [...new Set(memberships.ledMembers)].filter((id) => id !== actor.id).sort();
  return { kind: 'limited', userId: actor.id, groupIds, ledUserIds, unaddressed: true, organisationId };
}

/** Who a record is addressed to and who asked for it. */
export interface Addressed {
  requesterId: string | null;
  assigneeId: string | null;
  groupId: string | null;
  /** The requester's organisation when the record was made. */
  organisationId?: string | null;
}

/** Whether the scope lets its actor see this record. */
export function canSee(scope: VisibilityScope, record: Addressed): boolean {
  if (scope.kind === 'all') return true;
  if (record.requesterId === scope.userId || record.assigneeId === scope.userId) return true;
  if (record.groupId !== null && scope.groupIds.includes(record.groupId)) return true;
  if (scope.unaddressed && record.groupId === null && record.assigneeId === null) return true;
  if (scope.organisationId !== null && record.organisationId === scope.organisationId) return true;
  return record.assigneeId !== null && scope.ledUserIds.includes(record.assigneeId);
}

/** Column names of a table holding addressed records, for the SQL form of the scope. */
export interface AddressColumns {
  requester: string;
  assignee: string;
  group: string;
  organisation: string;
}

/**
 * The scope as one SQL condition over `columns`, with its values added through `param` (which
 * returns the placeholder): the repository puts it in the WHERE of lists, search and single reads
 * alike, so all of them agree with canSee. Arrays go as one parameter each (= ANY), never spliced in.
 */
export function visibilityCondition(scope: VisibilityScope, columns: AddressColumns, param: (value: unknown) => string): string {
  if (scope.kind === 'all') return 'TRUE';
  const me = param(scope.userId);
  const parts = [`${columns.requester} = ${me}`, `${columns.assignee} = ${me}`];
  if (scope.groupIds.length) parts.push(`${columns.group} = ANY (${param(scope.groupIds)}::uuid[])`);
  if (scope.ledUserIds.length) parts.push(`${columns.assignee} = ANY (${param(scope.ledUserIds)}::uuid[])`);
  if (scope.unaddressed) parts.push(`(${columns.group} IS NULL AND ${columns.assignee} IS NULL)`);
  if (scope.organisationId !== null) parts.push(`${columns.organisation} = ${param(scope.organisationId)}`);
  return `(${parts.join(' OR ')})`;
}
