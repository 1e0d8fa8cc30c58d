import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ConfigService } from '../config/config.service';
import { DatabaseService } from '../database/database.service';
import { HookBus } from '../hooks/hook-bus';
import { retryDelayMs } from './backoff';
import { MailTransport } from './mail-transport';
import { OutboxRepository, type OutboxRow } from './outbox.repository';

const BATCH = 20;
/** Longer than any send takes; a row still "sending" after it belonged to a worker that died. */
const LEASE_MS = 5 * 60_000;

/**
 * Delivers the outbox. Every node runs it: rows are claimed with SKIP LOCKED, so two workers never
 * take the same message, and a claim is a lease, so a message whose worker died is sent later by
 * another. A failed attempt is retried with growing pauses; after `mail.max_attempts` the message
 * is marked failed and waits for an admin's retry. Nothing is ever deleted here.
 */
@Injectable()
export class OutboxWorker implements OnApplicationBootstrap {
  private readonly log = new Logger('Mail');
  private running: Promise<number> | null = null;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly transport: MailTransport,
    private readonly config: ConfigService,
    private readonly database: DatabaseService,
    private readonly hooks: HookBus,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.transport.configured) {
      this.log.log('no SMTP server is configured (MAIL__SMTP_HOST): mail waits in the outbox');
      return;
    }
    const timer = setInterval(() => void this.tick(), this.config.get('mail.poll_seconds') * 1000);
    timer.unref();
    this.scheduler.addInterval('mail.outbox', timer);
  }

  /** Sends everything due now; returns how many messages were attempted. One run at a time per process. */
  deliverDue(): Promise<number> {
    this.running ??= this.drain().finally(() => (this.running = null));
    return this.running;
  }

  private async tick(): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      await this.deliverDue();
    } catch (error) {
      this.log.error(`outbox delivery stopped: ${(error as Error).message}`);
    }
  }

  private async drain(): Promise<number> {
    if (!this.transport.configured) return 0;
    let attempted = 0;
    for (;;) {
      const batch = await this.outbox.claim(BATCH, LEASE_MS);
      for (const row of batch) await this.deliver(row);
      attempted += batch.length;
      if (batch.length < BATCH) return attempted;
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    try {
      if (row.recipients.length === 0) throw new FinalError('no valid recipient');
      const headers = await this.hooks.applyFilters('mail.message.headers', { ...row.headers }, { kind: row.kind, messageId: row.messageId });
      const from = row.fromAddress ? { address: row.fromAddress, name: row.fromName ?? null } : null;
      await this.transport.send({ to: row.recipients, subject: row.subject, text: row.textBody, html: row.htmlBody, messageId: row.messageId, headers, from });
      await this.outbox.markSent(row.id);
      this.hooks.doAction('mail.message.sent', { id: row.id, kind: row.kind, messageId: row.messageId, recipients: row.recipients });
    } catch (error) {
      const message = (error as Error).message.slice(0, 2000);
      const final = error instanceof FinalError || row.attempts >= this.config.get('mail.max_attempts');
      if (final) await this.outbox.markFailed(row.id, message);
      else await this.outbox.markRetry(row.id, message, retryDelayMs(row.attempts));
      this.log.warn(`mail ${row.id} (${row.kind}) attempt ${row.attempts} failed${final ? ' for good' : ''}: ${message}`);
      this.hooks.doAction('mail.message.failed', { id: row.id, kind: row.kind, messageId: row.messageId, error: message, final });
    }
  }
}

/** A failure no retry can mend. */
class FinalError extends Error {}
