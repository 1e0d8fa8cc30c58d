import { Injectable } from '@nestjs/common';
import { DomainError, NotFoundError } from '../web/domain-error';
import { decodeTimeCursor as decode, encodeTimeCursor as encode } from '../web/time-cursor';
import { OUTBOX_STATUSES, OutboxRepository, type OutboxRow, type OutboxStatus } from './outbox.repository';
import { OutboxWorker } from './outbox.worker';

export const MAIL_PAGE_SIZE = 50;

export interface MailLogPage {
  rows: OutboxRow[];
  next: string | null;
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
