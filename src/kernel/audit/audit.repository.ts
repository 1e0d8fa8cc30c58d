import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../database/unit-of-work';
import type { AuditPosition } from './audit-cursor';

/** A row to append. */
export interface NewAuditRow {
  event: string;
  actorId: string | null;
  subject: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** One row as the admin list reads it, with the actor's names joined in. */
export interface AuditRecord {
  id: string;
  occurredAt: Date;
  /** The keyset position of the row (its time to the microsecond, and id). */
  position: AuditPosition;
  event: string;
  actorId: string | null;
  actorUsername: string | null;
  actorDisplayName: string | null;
  subject: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

/** What to read: every filter is optional and all of them must hold. */
export interface AuditPageQuery {
  /** Exactly this event, or every event from this group (`auth.sign_in` → `auth.sign_in.*`). */
  event?: { exact: string } | { group: string };
  /** Rows this user acted in (user name, any case), or whose subject is this text (any case). */
  user?: string;
  /** Exactly this address. */
  ip?: string;
  /** occurred_at >= from. */
  from?: Date;
  /** occurred_at < until. */
  until?: Date;
  /** Rows strictly older than this position. */
  after?: AuditPosition;
  /** How many rows to return (the caller asks for one more than it shows, to know if more exist). */
  limit: number;
}

type RawRow = {
  id: string;
  occurred_at: Date;
  at: string;
  event: string;
  actor_id: string | null;
  actor_username: string | null;
  actor_display_name: string | null;
  subject: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
};

/**
 * The only place that queries audit_events. Rows are appended, never updated or deleted. Reads are
 * keyset pages newest first, on the indexes the migration made for them; no COUNT anywhere.
 * Every value travels as a parameter.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Appends a row through the unit of work: inside the caller's transaction when one is open. */
  async insert(row: NewAuditRow): Promise<void> {
    await this.uow.manager().query(
      `INSERT INTO audit_events (event, actor_id, subject, ip, details) VALUES ($1, $2, $3, $4::inet, $5::jsonb)`,
      [row.event, row.actorId, row.subject, row.ip, JSON.stringify(row.details)],
    );
  }

  async page(query: AuditPageQuery): Promise<AuditRecord[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (query.event && 'exact' in query.event) where.push(`a.event = ${param(query.event.exact)}`);
    if (query.event && 'group' in query.event) {
      // event is COLLATE "C" and names are [a-z0-9_.]: "/" sorts just after ".", before any name character.
      where.push(`a.event >= ${param(`${query.event.group}.`)} AND a.event < ${param(`${query.event.group}/`)}`);
    }
    if (query.user !== undefined) {
      const name = param(query.user);
      where.push(`(a.actor_id = (SELECT u2.id FROM users u2 WHERE lower(u2.username) = lower(${name})) OR lower(a.subject) = lower(${name}))`);
    }
    if (query.ip !== undefined) where.push(`a.ip = ${param(query.ip)}::inet`);
    if (query.from) where.push(`a.occurred_at >= ${param(query.from)}`);
    if (query.until) where.push(`a.occurred_at < ${param(query.until)}`);
    if (query.after) where.push(`(a.occurred_at, a.id) < (${param(query.after.at)}::timestamptz, ${param(query.after.id)}::bigint)`);
    const rows: RawRow[] = await this.uow.manager().query(
      `SELECT a.id, a.occurred_at,
              to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
              a.event, a.actor_id, u.username AS actor_username, u.display_name AS actor_display_name,
              a.subject, host(a.ip) AS ip, a.details
         FROM audit_events a
         LEFT JOIN users u ON u.id = a.actor_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY a.occurred_at DESC, a.id DESC
        LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((row) => ({
      id: String(row.id),
      occurredAt: row.occurred_at,
      position: { at: row.at, id: String(row.id) },
      event: row.event,
      actorId: row.actor_id,
      actorUsername: row.actor_username,
      actorDisplayName: row.actor_display_name,
      subject: row.subject,
      ip: row.ip,
      details: row.details ?? {},
    }));
  }
}
