import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { SettingsMemo } from '../kernel/database/settings-memo';
import { visibilityCondition, type VisibilityScope } from '../identity/visibility/visibility-scope';
import type { MatrixCell } from './priority';
import { isTicketType, TYPE_PREFIX, type Channel, type TicketType } from './ticket-types';
import type { TicketStatus } from './workflow';
import { afterCondition, orderBy, positionColumn, type Position, type Sort } from './queue-order';
import { impliesVisibility, queueCondition, type Queue, type QueueContext } from './queues';
import { filterConditions, type TicketFilters } from './ticket-filters';

export interface QueuePageQuery {
  queue: Queue;
  sort: Sort;
  context: QueueContext;
  search?: { tsquery: string; staff: boolean };
  filters?: TicketFilters;
  after?: Position;
  limit: number;
}

export interface TicketRow {
  id: string;
  type: TicketType;
  number: string;
  subject: string;
  descriptionHtml: string;
  requesterId: string;
  requesterName: string;
  organisationId: string | null;
  channel: Channel;
  serviceId: string | null;
  serviceName: string | null;
  componentId: string | null;
  componentName: string | null;
  category: string;
  impact: number;
  urgency: number;
  priority: number;
  status: string;
  groupId: string | null;
  groupName: string | null;
  assigneeId: string | null;
  assigneeName: string | null;
  resolutionCode: string | null;
  resolutionText: string | null;
  tags: string[];
  resolutionDueAt: Date | null;
  /** Set on a ticket merged into another. */
  mergedIntoId: string | null;
  /** The external contractor it was handed over to, and under which contract. */
  contractor: string | null;
  contractRef: string | null;
  /** Custom field values by key. */
  custom: Record<string, string | number | boolean>;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** In queue pages: the row's keyset position in the page's sort. */
  position?: string;
}

/** What registering a ticket writes; the rest (number, version, times) the database fills in. */
export interface NewTicket
  extends Pick<TicketRow, 'type' | 'subject' | 'descriptionHtml' | 'requesterId' | 'organisationId' | 'channel' | 'serviceId' | 'componentId' | 'category' | 'impact' | 'urgency' | 'priority' | 'status' | 'groupId' | 'assigneeId'> {
  descriptionText: string;
  tags: string[];
  custom: Record<string, unknown>;
  createdBy: string;
  /** The mailbox a ticket came through by mail: its mail goes out from there. */
  mailboxId?: string | null;
}

export interface MessageRow {
  id: string;
  kind: 'reply' | 'note';
  authorId: string | null;
  authorName: string | null;
  bodyHtml: string;
  createdAt: Date;
}

export interface EventRow {
  kind: string;
  source: string;
  actorName: string | null;
  changes: Record<string, unknown>;
  occurredAt: Date;
}


/**
 * The words of an SQL text expression for a search vector, at most `cap` characters of it. Joining
 * punctuation becomes space first, so "XR-200", "INC-42" and "a.b@c" index as the plain words a
 * search is split into (the parser would otherwise keep "-200" or a whole address).
 */
const searchWords = (sql: string, cap: number) => `to_tsvector('simple', translate(left(${sql}, ${cap}), '-@._/\\:', '        '))`;

const COLUMNS = `t.id, t.type, t.number::text AS number, t.subject, t.description_html AS "descriptionHtml", t.requester_id AS "requesterId",
  r.display_name AS "requesterName", t.organisation_id AS "organisationId", t.channel,
  t.service_id AS "serviceId", sv.name AS "serviceName", t.component_id AS "componentId", sc.name AS "componentName", t.category, t.impact, t.urgency, t.priority,
  t.status, t.group_id AS "groupId", g.name AS "groupName", t.assignee_id AS "assigneeId", a.display_name AS "assigneeName",
  t.resolution_code AS "resolutionCode", t.resolution_text AS "resolutionText", t.tags, t.version, t.created_at AS "createdAt", t.updated_at AS "updatedAt",
  t.resolution_due_at AS "resolutionDueAt", t.merged_into_id AS "mergedIntoId",
  t.contractor, t.contract_ref AS "contractRef", t.custom`;
const FROM = `tickets t JOIN users r ON r.id = t.requester_id LEFT JOIN work_groups g ON g.id = t.group_id LEFT JOIN users a ON a.id = t.assignee_id
  LEFT JOIN services sv ON sv.id = t.service_id LEFT JOIN service_components sc ON sc.id = t.component_id`;
const ADDRESS = { requester: 't.requester_id', assignee: 't.assignee_id', group: 't.group_id', organisation: 't.organisation_id' };
/** A ticket's number as people write it (INC-42), computed in SQL for batch jobs. */
const REF_SQL = `CASE t.type WHEN 'incident' THEN 'INC' WHEN 'service_request' THEN 'REQ' WHEN 'information_request' THEN 'INF' ELSE 'DOC' END || '-' || t.number`;

export interface Statement {
  sql: string;
  params: unknown[];
}

/** The SQL of a queue page; exported so the benchmark runs exactly what the page runs. */
export function queuePageStatement(scope: VisibilityScope, query: QueuePageQuery): Statement {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const where = [queueCondition(query.queue, query.context, param)];
  if (!impliesVisibility(query.queue, scope, query.context)) where.push(visibilityCondition(scope, ADDRESS, param));
  if (query.search) where.push(`t.${query.search.staff ? 'search_staff' : 'search_public'} @@ to_tsquery('simple', ${param(query.search.tsquery)})`);
  if (query.filters) where.push(...filterConditions(query.filters, param));
  if (query.after) where.push(afterCondition(query.after, param));
  return { sql: `SELECT ${COLUMNS}, ${positionColumn(query.sort)} FROM ${FROM} WHERE ${where.join(' AND ')} ORDER BY ${orderBy(query.sort)} LIMIT ${param(query.limit)}`, params };
}

/** The SQL of the capped queue counts (one row, a column per queue). */
export function queueCountsStatement(scope: VisibilityScope, queues: readonly Queue[], context: QueueContext, cap: number): Statement {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const limit = param(cap);
  const parts = queues.map(
    (queue) =>
      `(SELECT count(*)::int FROM (SELECT 1 FROM tickets t WHERE ${queueCondition(queue, context, param)}${impliesVisibility(queue, scope, context) ? '' : ` AND ${visibilityCondition(scope, ADDRESS, param)}`} LIMIT ${limit}) q) AS "${queue}"`,
  );
  return { sql: `SELECT ${parts.join(', ')}`, params };
}

/** The SQL that reads one ticket for its page, under the actor's visibility. */
export function ticketStatement(scope: VisibilityScope, type: TicketType, number: number, deleted = false): Statement {
  const params: unknown[] = [type, number];
  const visible = visibilityCondition(scope, ADDRESS, (value) => `$${params.push(value)}`);
  return { sql: `SELECT ${COLUMNS} FROM ${FROM} WHERE t.type = $1 AND t.number = $2 AND t.deleted_at IS ${deleted ? 'NOT NULL' : 'NULL'} AND ${visible}`, params };
}

/** The SQL of a ticket's conversation (for the page and the benchmark). */
export function messagesStatement(ticketId: string, withNotes: boolean): Statement {
  return {
    sql: `SELECT m.id, m.kind, m.author_id AS "authorId", u.display_name AS "authorName", m.body_html AS "bodyHtml", m.created_at AS "createdAt"
            FROM ticket_messages m LEFT JOIN users u ON u.id = m.author_id
           WHERE m.ticket_id = $1 ${withNotes ? '' : "AND m.kind = 'reply'"} ORDER BY m.created_at, m.id LIMIT 500`,
    params: [ticketId],
  };
}

/** The SQL of a ticket's history (for the page and the benchmark). */
export function eventsStatement(ticketId: string, kinds?: readonly string[]): Statement {
  return {
    sql: `SELECT e.kind, e.source, u.display_name AS "actorName", e.changes, e.occurred_at AS "occurredAt"
            FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id
           WHERE e.ticket_id = $1${kinds ? ' AND e.kind = ANY ($2::text[])' : ''} ORDER BY e.id LIMIT 500`,
    params: kinds ? [ticketId, kinds] : [ticketId],
  };
}

/** Open tickets counted per person when the least loaded is picked (see openLoad). */
export const OPEN_LOAD_CAP = 1000;

/**
 * The only place that queries tickets. Every read takes the actor's visibility scope and puts it
 * in the WHERE, so a ticket the actor may not see is simply not found. UPDATE … RETURNING goes
 * through a CTE (TypeORM returns UPDATE results as [rows, count]).
 */
@Injectable()
export class TicketRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: SettingsMemo,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  workflow(): Promise<{ statuses: TicketStatus[]; transitions: Array<{ from: string; to: string }> }> {
    return this.settings.read('workflow', () => this.readWorkflow());
  }

  private async readWorkflow(): Promise<{ statuses: TicketStatus[]; transitions: Array<{ from: string; to: string }> }> {
    const statuses = await this.query<TicketStatus>(`SELECT key, category, position, is_initial AS "isInitial" FROM ticket_statuses ORDER BY position`);
    const transitions = await this.query<{ from: string; to: string }>(`SELECT from_status AS "from", to_status AS "to" FROM ticket_transitions`);
    return { statuses, transitions };
  }

  priorityMatrix(): Promise<MatrixCell[]> {
    return this.settings.read('priority-matrix', () => this.query(`SELECT impact, urgency, priority FROM ticket_priority_matrix`));
  }

  /**
   * A new ticket with the next number of its type; its id and that number. Its search vectors are
   * made in the same statement from what `refreshSearch` would read (number, subject, requester,
   * description, and the names of the files it is registered with): a second write of the row
   * would add a version of it to every one of the table's indexes.
   */
  async insert(ticket: NewTicket, fileNames: readonly string[]): Promise<{ id: string; number: string }> {
    // The sequence is named after the type, from the closed list of types, never from input.
    if (!isTicketType(ticket.type)) throw new Error(`not a ticket type: ${String(ticket.type)}`);
    const [row] = await this.uow.query<{ id: string; number: string }>(
      `WITH n AS MATERIALIZED (SELECT nextval('ticket_number_${ticket.type}') AS number),
            v AS MATERIALIZED (
              SELECT setweight(${searchWords(`$21::text || n.number || ' ' || $2::text`, 2000)}, 'A')
                     || setweight(${searchWords(`r.display_name || ' ' || r.username || ' ' || coalesce(r.email, '')`, 2000)}, 'B')
                     || setweight(${searchWords('$15::text', 200000)}, 'C')
                     || setweight(${searchWords('$22::text', 20000)}, 'C') AS vector
                FROM n, users r WHERE r.id = $4)
       INSERT INTO tickets (type, number, subject, description_html, description_text, requester_id, organisation_id, channel, category, impact, urgency, priority, status, group_id, assignee_id, created_by, service_id, component_id, tags, custom, mailbox_id, search_public, search_staff)
       VALUES ($1, (SELECT number FROM n), $2, $3, $15, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, $17, $18, $19, $20, (SELECT vector FROM v), (SELECT vector FROM v))
       RETURNING id, number::text AS number`,
      [ticket.type, ticket.subject, ticket.descriptionHtml, ticket.requesterId, ticket.organisationId, ticket.channel, ticket.category, ticket.impact, ticket.urgency, ticket.priority, ticket.status, ticket.groupId, ticket.assigneeId, ticket.createdBy, ticket.descriptionText, ticket.serviceId, ticket.componentId, ticket.tags, ticket.custom, ticket.mailboxId ?? null, `${TYPE_PREFIX[ticket.type]}-`, fileNames.join(' ')],
      `ticket-insert-${ticket.type}`,
    );
    return row!;
  }

  /** A live ticket by id, whoever may see it: for system work (the mail intake) that has decided already. */
  async findById(id: string): Promise<TicketRow | null> {
    const [row] = await this.query<TicketRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE t.id = $1 AND t.deleted_at IS NULL`, [id]);
    return row ?? null;
  }

  /** One visible ticket by its type and number; deleted ones only when asked for (to restore them). */
  async findVisible(scope: VisibilityScope, type: TicketType, number: number, deleted = false): Promise<TicketRow | null> {
    const statement = ticketStatement(scope, type, number, deleted);
    const [row] = await this.query<TicketRow>(statement.sql, statement.params);
    return row ?? null;
  }

  /**
   * Rebuilds the ticket's search vectors from its number, subject, requester, description,
   * messages and file names: `search_public` without internal notes (and their files),
   * `search_staff` with them. Text is capped so
   * a very long conversation cannot outgrow a tsvector.
   */
  async refreshSearch(id: string, ref: string): Promise<void> {
    await this.uow.write(
      `WITH parts AS (
         SELECT t.id,
                setweight(${searchWords(`$2 || ' ' || t.subject`, 2000)}, 'A')
                  || setweight(${searchWords(`r.display_name || ' ' || r.username || ' ' || coalesce(r.email, '')`, 2000)}, 'B')
                  || setweight(${searchWords('t.description_text', 200000)}, 'C') AS base,
                setweight(${searchWords(`coalesce((SELECT string_agg(body_text, ' ') FROM ticket_messages WHERE ticket_id = t.id AND kind = 'reply'), '')`, 300000)}, 'D') AS replies,
                setweight(${searchWords(`coalesce((SELECT string_agg(body_text, ' ') FROM ticket_messages WHERE ticket_id = t.id AND kind = 'note'), '')`, 200000)}, 'D') AS notes,
                setweight(${searchWords(`coalesce((SELECT string_agg(a.file_name, ' ') FROM ticket_attachments a LEFT JOIN ticket_messages m ON m.id = a.message_id WHERE a.ticket_id = t.id AND m.kind IS DISTINCT FROM 'note'), '')`, 20000)}, 'C') AS files,
                setweight(${searchWords(`coalesce((SELECT string_agg(a.file_name, ' ') FROM ticket_attachments a JOIN ticket_messages m ON m.id = a.message_id WHERE a.ticket_id = t.id AND m.kind = 'note'), '')`, 20000)}, 'D') AS note_files
           FROM tickets t JOIN users r ON r.id = t.requester_id WHERE t.id = $1
       ), changed AS (
         UPDATE tickets t SET search_public = p.base || p.replies || p.files, search_staff = p.base || p.replies || p.files || p.notes || p.note_files FROM parts p WHERE t.id = p.id RETURNING t.id
       )
       SELECT id FROM changed`,
      [id, ref],
      'ticket-search-refresh',
    );
  }

  /** A queue page in the chosen sort, visible tickets only, optionally matching a search. */
  page(scope: VisibilityScope, query: QueuePageQuery): Promise<TicketRow[]> {
    const statement = queuePageStatement(scope, query);
    return this.query(statement.sql, statement.params);
  }

  /**
   * How many visible tickets each queue holds, counting no further than `cap` (the page shows
   * "999+"): each count reads at most `cap` index entries, never the whole table.
   */
  async queueCounts(scope: VisibilityScope, queues: readonly Queue[], context: QueueContext, cap: number): Promise<Map<Queue, number>> {
    const statement = queueCountsStatement(scope, queues, context, cap);
    const [row] = await this.query<Record<Queue, number>>(statement.sql, statement.params);
    return new Map(queues.map((queue) => [queue, row![queue]]));
  }

  /** Stars are each person's own; toggling twice is a no-op, never an error. */
  async setStar(userId: string, ticketId: string, starred: boolean): Promise<void> {
    if (starred) await this.query(`INSERT INTO ticket_stars (user_id, ticket_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [userId, ticketId]);
    else await this.query(`WITH gone AS (DELETE FROM ticket_stars WHERE user_id = $1 AND ticket_id = $2 RETURNING 1) SELECT 1 FROM gone`, [userId, ticketId]);
  }

  async setWatching(ticketId: string, userId: string, watching: boolean): Promise<void> {
    if (watching) await this.query(`INSERT INTO ticket_watchers (ticket_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [ticketId, userId]);
    else await this.query(`WITH gone AS (DELETE FROM ticket_watchers WHERE ticket_id = $1 AND user_id = $2 RETURNING 1) SELECT 1 FROM gone`, [ticketId, userId]);
  }

  async isWatching(ticketId: string, userId: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM ticket_watchers WHERE ticket_id = $1 AND user_id = $2`, [ticketId, userId])).length > 0;
  }

  async watcherNames(ticketId: string): Promise<string[]> {
    const rows = await this.query<{ name: string }>(`SELECT u.display_name AS name FROM ticket_watchers w JOIN users u ON u.id = w.user_id WHERE w.ticket_id = $1 ORDER BY lower(u.display_name) LIMIT 200`, [ticketId]);
    return rows.map((row) => row.name);
  }

  async isStarred(userId: string, ticketId: string): Promise<boolean> {
    return (await this.query(`SELECT 1 FROM ticket_stars WHERE user_id = $1 AND ticket_id = $2`, [userId, ticketId])).length > 0;
  }

  /**
   * Applies changes if the ticket is still at `version` (optimistic locking); false when someone
   * else changed it first. Bumps the version and updated_at.
   */
  async update(id: string, version: number, changes: Record<string, unknown>): Promise<boolean> {
    const columns = Object.keys(changes);
    if (columns.some((column) => !/^[a-z_]+$/.test(column))) throw new Error('bad column name');
    const params: unknown[] = [id, version, ...Object.values(changes)];
    const sets = columns.map((column, i) => `${column} = $${i + 3}`);
    const rows = await this.query(
      `WITH changed AS (UPDATE tickets SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 AND version = $2 RETURNING id) SELECT id FROM changed`,
      params,
    );
    return rows.length > 0;
  }

  /** Marks activity (a reply) without the version check: a reply never conflicts with a field change. */
  async touch(id: string, changes: Record<string, unknown> = {}): Promise<void> {
    const columns = Object.keys(changes);
    if (columns.some((column) => !/^[a-z_]+$/.test(column))) throw new Error('bad column name');
    const sets = columns.map((column, i) => `${column} = $${i + 2}`);
    await this.query(`WITH touched AS (UPDATE tickets SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING id) SELECT id FROM touched`, [id, ...Object.values(changes)]);
  }

  /**
   * Resolved tickets whose resolution is older than `days`, oldest first, a batch at a time, with
   * what closing them needs (the status they would move to must be an allowed transition).
   */
  staleResolved(days: number, limit: number): Promise<Array<{ id: string; ref: string; status: string; closeTo: string; version: number }>> {
    return this.query(
      `SELECT t.id, ${REF_SQL} AS ref, t.status, tr.to_status AS "closeTo", t.version
         FROM tickets t
         JOIN ticket_statuses s ON s.key = t.status AND s.category = 'resolved'
         JOIN LATERAL (
           SELECT x.to_status FROM ticket_transitions x JOIN ticket_statuses c ON c.key = x.to_status AND c.category = 'closed'
            WHERE x.from_status = t.status ORDER BY c.position LIMIT 1
         ) tr ON true
        WHERE t.deleted_at IS NULL AND t.resolved_at < now() - make_interval(days => $1)
        ORDER BY t.resolved_at LIMIT $2`,
      [days, limit],
    );
  }

  /**
   * Open tickets (new, open or pending) assigned to each of these people, counted up to `cap`
   * each on the open-by-assignee index: a pick stays cheap however many tickets someone holds, and
   * beyond the cap more makes no one a better choice.
   */
  async openLoad(userIds: readonly string[], cap = OPEN_LOAD_CAP): Promise<Map<string, number>> {
    if (userIds.length === 0) return new Map();
    const rows = await this.query<{ id: string; n: number }>(
      `SELECT m.id, (SELECT count(*)::int FROM (SELECT 1 FROM tickets t WHERE t.assignee_id = m.id AND t.deleted_at IS NULL AND t.is_open LIMIT $2) open) AS n
         FROM unnest($1::uuid[]) AS m(id)`,
      [userIds, cap],
    );
    return new Map(rows.map((row) => [row.id, row.n]));
  }

  async insertMessage(ticketId: string, kind: 'reply' | 'note', authorId: string, bodyHtml: string, bodyText: string): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO ticket_messages (ticket_id, kind, author_id, body_html, body_text) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [ticketId, kind, authorId, bodyHtml, bodyText],
    );
    return row!.id;
  }

  /** Replaces a message's HTML (marking its mentions right after it was written). */
  async setMessageHtml(messageId: string, html: string): Promise<void> {
    await this.query(`WITH changed AS (UPDATE ticket_messages SET body_html = $2 WHERE id = $1 RETURNING id) SELECT id FROM changed`, [messageId, html]);
  }

  /** The conversation in order; internal notes only when asked for (staff). */
  messages(ticketId: string, withNotes: boolean): Promise<MessageRow[]> {
    const statement = messagesStatement(ticketId, withNotes);
    return this.query(statement.sql, statement.params);
  }

  /** History is append-only: there is no way here to change or remove an event. */
  async insertEvent(ticketId: string, actorId: string | null, source: string, kind: string, changes: Record<string, unknown>): Promise<void> {
    await this.uow.write(`INSERT INTO ticket_events (ticket_id, actor_id, source, kind, changes) VALUES ($1, $2, $3, $4, $5)`, [ticketId, actorId, source, kind, changes], 'ticket-event-insert');
  }

  /** The history, oldest first; only events of the given kinds when asked. */
  events(ticketId: string, kinds?: readonly string[]): Promise<EventRow[]> {
    const statement = eventsStatement(ticketId, kinds);
    return this.query(statement.sql, statement.params);
  }
}
