import { afterCondition, orderBy, positionColumn, type Position } from '../tickets/queue-order';

/*
 * The portal's lists of requests: one's own, or one's organisation's where it shares them, open or
 * closed, newest activity first. Each reads one index (requester, or organisation) in keyset
 * order, so a page costs the same at the first request and the millionth. Pure: SQL and params.
 */

export const REQUEST_SCOPES = ['mine', 'organisation'] as const;
export type RequestScope = (typeof REQUEST_SCOPES)[number];
export const REQUEST_STATES = ['open', 'closed', 'all'] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

export interface RequestListQuery {
  scope: RequestScope;
  /** Whose requests: the person (mine) or their organisation (organisation). */
  ownerId: string;
  state: RequestState;
  /** Resolved statuses: such a request waits for the requester's answer, so it counts as open. */
  resolvedStatuses: readonly string[];
  after?: Position;
  limit: number;
}

export function requestListStatement(query: RequestListQuery): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = ['t.deleted_at IS NULL', query.scope === 'mine' ? `t.requester_id = ${param(query.ownerId)}` : `t.organisation_id = ${param(query.ownerId)}`];
  if (query.state !== 'all') {
    const open = `(t.is_open OR t.status = ANY (${param(query.resolvedStatuses)}::text[]))`;
    where.push(query.state === 'open' ? open : `NOT ${open}`);
  }
  if (query.after) where.push(afterCondition(query.after, param));
  return {
    sql: `SELECT t.id, t.type, t.number::text AS number, t.subject, t.status, t.is_open AS "isOpen", t.created_at AS "createdAt", t.updated_at AS "updatedAt",
                 r.display_name AS "requesterName", s.name AS "serviceName", ${positionColumn('updated')}
            FROM tickets t JOIN users r ON r.id = t.requester_id LEFT JOIN services s ON s.id = t.service_id
           WHERE ${where.join(' AND ')}
           ORDER BY ${orderBy('updated')} LIMIT ${param(query.limit)}`,
    params,
  };
}

export function isRequestScope(value: unknown): value is RequestScope {
  return typeof value === 'string' && (REQUEST_SCOPES as readonly string[]).includes(value);
}

export function isRequestState(value: unknown): value is RequestState {
  return typeof value === 'string' && (REQUEST_STATES as readonly string[]).includes(value);
}
