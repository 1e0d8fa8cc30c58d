import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../web/domain-error';
import { OUTBOX_STATUSES, OutboxRepository, type OutboxPosition, type OutboxRow, type OutboxStatus } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';

export const MAIL_PAGE_SIZE = 50;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z) ([0-9a-f-]{36})$/;

export interface MailLogPage {
  rows: OutboxRow[];
  next: string | null;
}

function encode(position: OutboxPosition): string {
  return Buffer.from(`${position.at} ${position.id}`, 'utf8').toString('base64url');
}

function decode(cursor: string): OutboxPosition | undefined {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return undefined;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  return match ? { at: match[1]!, id: match[2]! } : undefined;
}

/** The delivery log for admins: what was sent, what waits, what failed and why; failed mail can be sent again. */
@Injectable()
export class MailAdminService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly worker: OutboxWorker,
  ) {}

  async page(input: { status?: string; cursor?: string }): Promise<MailLogPage> {
    const status = (OUTBOX_STATUSES as readonly string[]).includes(input.status ?? '') ? (input.status as OutboxStatus) : undefined;
    const before = input.cursor ? decode(input.cursor) : undefined;
    if (input.cursor && !before) throw new DomainError('cursor_invalid', 'mail.errors.cursor', 400);
    const rows = await this.outbox.page({ ...(status ? { status } : {}), ...(before ? { before } : {}), limit: MAIL_PAGE_SIZE + 1 });
    const shown = rows.slice(0, MAIL_PAGE_SIZE);
    const last = shown.at(-1);
    return { rows: shown, next: rows.length > MAIL_PAGE_SIZE && last ? encode({ at: last.position, id: last.id }) : null };
  }

  /** Queues a failed message again and tries it at once. */
  async retry(id: string): Promise<void> {
    if (!/^[0-9a-f-]{36}$/i.test(id) || !(await this.outbox.retry(id))) throw new NotFoundError();
    void this.worker.deliverDue().catch(() => undefined); // failures land in the log like any attempt
  }
}
