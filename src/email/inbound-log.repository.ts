import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { DomainError } from '../kernel/web/domain-error';
import { cursorTime, decodeTimeCursor, encodeTimeCursor } from '../kernel/web/time-cursor';

export const INBOUND_STATUSES = ['ticket', 'reply', 'ignored', 'rejected', 'quarantined'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

export interface InboundRow {
  id: string;
  mailboxName: string;
  status: InboundStatus;
  reason: string | null;
  sender: string | null;
  subject: string | null;
  sizeBytes: number;
  ticketRef: string | null;
  hasOriginal: boolean;
  receivedAt: Date;
}

const PAGE = 50;

/** The intake log: every message taken, newest first by keyset pages, with the quarantine as a filter. */
@Injectable()
export class InboundLogRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async page(status: InboundStatus | null, cursor?: string): Promise<{ rows: InboundRow[]; next: string | null }> {
    const after = cursor ? (decodeTimeCursor(cursor) ?? null) : null;
    if (cursor && !after) throw new DomainError('cursor_invalid', 'mail.errors.cursor', 400);
    const params: unknown[] = [];
    const where: string[] = [];
    if (status) where.push(`i.status = $${params.push(status)}`);
    if (after) where.push(`(i.received_at, i.id) < ($${params.push(after.at)}::timestamptz, $${params.push(after.id)}::uuid)`);
    const rows: Array<InboundRow & { position: string }> = await this.uow.manager().query(
      `SELECT i.id, m.name AS "mailboxName", i.status, i.reason, i.sender, i.subject, i.size_bytes AS "sizeBytes",
              CASE WHEN t.id IS NULL THEN NULL ELSE (CASE t.type WHEN 'incident' THEN 'INC' WHEN 'service_request' THEN 'REQ' WHEN 'information_request' THEN 'INF' ELSE 'DOC' END) || '-' || t.number END AS "ticketRef",
              i.raw_file_id IS NOT NULL AS "hasOriginal", i.received_at AS "receivedAt",
              ${cursorTime('i.received_at')} AS position
         FROM inbound_messages i JOIN mailboxes m ON m.id = i.mailbox_id LEFT JOIN tickets t ON t.id = i.ticket_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY i.received_at DESC, i.id DESC LIMIT ${PAGE + 1}`,
      params,
    );
    const shown = rows.slice(0, PAGE);
    const last = shown.at(-1);
    return { rows: shown, next: rows.length > PAGE && last ? encodeTimeCursor({ at: last.position, id: last.id }) : null };
  }

  /** The stored original of a message kept without a ticket (a ticket's original is one of its files). */
  async rawFileOf(id: string): Promise<string | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const [row] = await this.uow.manager().query(`SELECT raw_file_id AS "fileId" FROM inbound_messages WHERE id = $1`, [id]);
    return (row as { fileId: string | null } | undefined)?.fileId ?? null;
  }
}
