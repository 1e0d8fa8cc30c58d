import { Injectable } from '@nestjs/common';
import { DataSourceProvider, UnitOfWork } from '../database/unit-of-work';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';
export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['pending', 'sending', 'sent', 'failed'];

export interface NewOutboxRow {
  id: string;
  kind: string;
  recipients: string[];
  rejectedRecipients: string[];
  subject: string;
  textBody: string;
  htmlBody: string | null;
  headers: Record<string, string>;
  messageId: string;
  /** What the message is about, for that record's delivery log (`ticket:<id>`). */
  about?: string | null;
  /** Its own sender (a mailbox's), else the configured `mail.from`. */
  fromAddress?: string | null;
  fromName?: string | null;
}

/** One line of a record's delivery log. */
export interface DeliveryLogRow {
  kind: string;
  recipients: string[];
  rejectedRecipients: string[];
  subject: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Where a newest-first page stops: the row's time to the microsecond, as PostgreSQL keeps it, and its id. */
export interface OutboxPosition {
  at: string;
  id: string;
}

export interface OutboxRow extends NewOutboxRow {
  status: OutboxStatus;
  attempts: number;
  createdAt: Date;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
}

const COLUMNS = `id, kind, recipients, rejected_recipients AS "rejectedRecipients", subject, text_body AS "textBody", html_body AS "htmlBody",
  headers, message_id AS "messageId", from_address AS "fromAddress", from_name AS "fromName", status, attempts, created_at AS "createdAt", next_attempt_at AS "nextAttemptAt",
  last_error AS "lastError", sent_at AS "sentAt"`;

/**
 * The only place that queries the outbox. Writing joins the caller's transaction (the point of an
 * outbox); the worker's statements run on their own, each one atomic. UPDATE … RETURNING goes
 * through a CTE because TypeORM hands back UPDATE results as [rows, count].
 */
@Injectable()
export class OutboxRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly db: DataSourceProvider,
  ) {}

  async insert(row: NewOutboxRow): Promise<void> {
    await this.uow.write(
      `INSERT INTO mail_outbox (id, kind, recipients, rejected_recipients, subject, text_body, html_body, headers, message_id, about, from_address, from_name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [row.id, row.kind, row.recipients, row.rejectedRecipients, row.subject, row.textBody, row.htmlBody, row.headers, row.messageId, row.about ?? null, row.fromAddress ?? null, row.fromName ?? null],
      'outbox-insert',
    );
  }

  /** The newest messages about one record, for its delivery log. */
  deliveryLog(about: string, limit = 100): Promise<DeliveryLogRow[]> {
    return this.uow.manager().query(
      `SELECT kind, recipients, rejected_recipients AS "rejectedRecipients", subject, status, attempts, last_error AS "lastError", created_at AS "createdAt", sent_at AS "sentAt"
         FROM mail_outbox WHERE about = $1 ORDER BY created_at DESC LIMIT $2`,
      [about, limit],
    );
  }

  /**
   * Claims up to `limit` due messages for `leaseMs`: pending ones, and ones whose sender died
   * mid-send (lease passed). SKIP LOCKED lets several workers claim side by side, never the same row.
   */
  claim(limit: number, leaseMs: number): Promise<OutboxRow[]> {
    return this.db.dataSource.query(
      `WITH due AS (
         SELECT id FROM mail_outbox
          WHERE (status = 'pending' AND next_attempt_at <= now()) OR (status = 'sending' AND lease_until <= now())
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE mail_outbox m SET status = 'sending', attempts = m.attempts + 1, lease_until = now() + make_interval(secs => $2::bigint / 1000.0)
           FROM due WHERE m.id = due.id RETURNING m.*
       )
       SELECT ${COLUMNS} FROM claimed`,
      [limit, leaseMs],
    );
  }

  async markSent(id: string): Promise<void> {
    await this.db.dataSource.query(`UPDATE mail_outbox SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL WHERE id = $1`, [id]);
  }

  async markRetry(id: string, error: string, delayMs: number): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE mail_outbox SET status = 'pending', lease_until = NULL, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::bigint / 1000.0) WHERE id = $1`,
      [id, error, delayMs],
    );
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db.dataSource.query(`UPDATE mail_outbox SET status = 'failed', lease_until = NULL, last_error = $2 WHERE id = $1`, [id, error]);
  }

  /** Puts a failed message back in the queue, due now; false unless it was failed. */
  async retry(id: string): Promise<boolean> {
    const rows = await this.db.dataSource.query(
      `WITH again AS (UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = now() WHERE id = $1 AND status = 'failed' RETURNING id) SELECT id FROM again`,
      [id],
    );
    return rows.length > 0;
  }

  /** A page of the delivery log, newest first, optionally of one status. */
  page(query: { status?: OutboxStatus; before?: OutboxPosition; limit: number }): Promise<Array<OutboxRow & { position: string }>> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (query.status) where.push(`status = ${param(query.status)}`);
    if (query.before) where.push(`(created_at, id) < (${param(query.before.at)}::timestamptz, ${param(query.before.id)}::uuid)`);
    return this.db.dataSource.query(
      `SELECT ${COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position FROM mail_outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${param(query.limit)}`,
      params,
    );
  }
}
