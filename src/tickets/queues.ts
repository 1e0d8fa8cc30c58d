import type { VisibilityScope } from '../identity/visibility/visibility-scope';

/*
 * The agent workspace's queues: each one a condition on tickets (on top of visibility), written
 * to match a partial index of the queue migration. Pure: SQL fragments with bound parameters.
 */

export const QUEUES = ['mine', 'groups', 'unassigned', 'mentions', 'pending', 'overdue', 'starred', 'watching', 'all', 'deleted'] as const;
export type Queue = (typeof QUEUES)[number];

/** Queues whose size the workspace shows (capped): the ones an agent works through. */
export const COUNTED_QUEUES: readonly Queue[] = ['mine', 'groups', 'unassigned', 'mentions', 'pending', 'overdue', 'starred', 'watching'];

/** What a requester sees: their own requests; the rest are staff queues. */
export const REQUESTER_QUEUES: readonly Queue[] = ['all', 'starred'];

/** The most stars or watched tickets a queue looks at (far more than anyone keeps). */
const PERSONAL_LIST_CAP = 10000;

export function isQueue(value: unknown): value is Queue {
  return typeof value === 'string' && (QUEUES as readonly string[]).includes(value);
}

export interface QueueContext {
  userId: string;
  groupIds: readonly string[];
  /** Status keys in the "pending" category (waiting for someone else). */
  pendingStatuses: readonly string[];
}

/**
 * Whether everything the queue holds is visible to the actor anyway, so the visibility condition
 * can be left out of its query: tickets assigned to oneself, and tickets of groups one sees. The
 * planner then reads the queue's own index without re-checking each row against an OR.
 */
export function impliesVisibility(queue: Queue, scope: VisibilityScope, context: QueueContext): boolean {
  if (scope.kind === 'all') return true;
  if (queue === 'mine') return context.userId === scope.userId;
  if (queue === 'groups') return context.groupIds.every((id) => scope.groupIds.includes(id));
  return false;
}

/** The queue's condition on `t` (tickets), deleted or not included. */
export function queueCondition(queue: Queue, context: QueueContext, param: (value: unknown) => string): string {
  switch (queue) {
    case 'deleted':
      return 't.deleted_at IS NOT NULL';
    case 'all':
      return 't.deleted_at IS NULL';
    case 'mine':
      return `t.deleted_at IS NULL AND t.is_open AND t.assignee_id = ${param(context.userId)}`;
    case 'groups':
      return `t.deleted_at IS NULL AND t.is_open AND t.group_id = ANY (${param(context.groupIds)}::uuid[])`;
    case 'unassigned':
      return 't.deleted_at IS NULL AND t.is_open AND t.assignee_id IS NULL';
    case 'pending':
      return `t.deleted_at IS NULL AND t.status = ANY (${param(context.pendingStatuses)}::text[])`;
    case 'overdue':
      return 't.deleted_at IS NULL AND t.is_open AND t.resolution_due_at < now()';
    // A person's stars and watched tickets are few: read them first (once, by the user's index)
    // and look the tickets up by id, rather than letting the planner probe them ticket by ticket.
    case 'starred':
      return `t.deleted_at IS NULL AND t.id = ANY (ARRAY(SELECT s.ticket_id FROM ticket_stars s WHERE s.user_id = ${param(context.userId)} LIMIT ${PERSONAL_LIST_CAP}))`;
    case 'mentions':
      return `t.deleted_at IS NULL AND t.id = ANY (ARRAY(SELECT m.ticket_id FROM ticket_mentions m WHERE m.user_id = ${param(context.userId)} AND m.read_at IS NULL LIMIT ${PERSONAL_LIST_CAP}))`;
    case 'watching':
      return `t.deleted_at IS NULL AND t.id = ANY (ARRAY(SELECT w.ticket_id FROM ticket_watchers w WHERE w.user_id = ${param(context.userId)} LIMIT ${PERSONAL_LIST_CAP}))`;
  }
}
