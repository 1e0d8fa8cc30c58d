import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConfigService } from '../config/config.service';
import { DomainError } from '../web/domain-error';
import { MailTemplates } from './mail-templates';
import { signedMessageId } from './message-id';
import { OutboxRepository, type DeliveryLogRow } from './outbox.repository';
import { HookBus } from '../hooks/hook-bus';
import { isSingleLine, normalizeAddress, recipientList } from './recipients';

/** A message to send, by template, in the recipient's language. */
export interface MailRequest {
  /** What the mail is about, for the delivery log: `password_reset`, `ticket_reply`, … */
  kind: string;
  to: readonly string[];
  template: string;
  lang: string;
  vars: Record<string, unknown>;
  /** Extra headers (threading: In-Reply-To, References). One line each. */
  headers?: Record<string, string>;
  /** Automatic mail (everything but a person's own reply) says so, so auto-responders stay quiet. */
  automatic?: boolean;
  /** What the message is about (`ticket:<id>`), for that record's delivery log. */
  about?: string;
  /** The sender when not the configured default: the mailbox a ticket came through. */
  from?: { address: string; name?: string };
}

/**
 * Puts mail in the outbox inside the caller's transaction: the message exists exactly when the
 * change that caused it was committed. Delivery happens later (OutboxWorker).
 */
@Injectable()
export class OutboxService {
  private readonly domain: string;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly templates: MailTemplates,
    private readonly config: ConfigService,
    private readonly hooks: HookBus,
  ) {
    this.domain = new URL(config.get('app_url')).hostname || 'localhost';
  }

  /** Queues the message; returns its id. Bad addresses are logged on the row and the rest still goes. */
  async enqueue(request: MailRequest): Promise<string> {
    const context = { kind: request.kind, about: request.about ?? null };
    const rendered = await this.hooks.applyFilters('mail.message.content', this.templates.render(request.template, request.lang, request.vars), context);
    if (!isSingleLine(rendered.subject)) throw new DomainError('mail_header_invalid', 'mail.errors.header_invalid', 400);
    const headers: Record<string, string> = { ...(request.headers ?? {}) };
    for (const [name, value] of Object.entries(headers)) {
      if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(name) || !isSingleLine(value)) throw new DomainError('mail_header_invalid', 'mail.errors.header_invalid', 400);
    }
    if (request.automatic ?? true) {
      headers['Auto-Submitted'] = 'auto-generated';
      headers['X-Auto-Response-Suppress'] = 'All';
    }
    const fromAddress = request.from ? normalizeAddress(request.from.address) : null;
    if (request.from && (!fromAddress || !isSingleLine(request.from.name ?? ''))) throw new DomainError('mail_header_invalid', 'mail.errors.header_invalid', 400);
    const { accepted, rejected } = recipientList(await this.hooks.applyFilters('mail.message.recipients', [...request.to], context));
    const id = randomUUID();
    await this.outbox.insert({
      id,
      kind: request.kind,
      recipients: accepted,
      rejectedRecipients: rejected,
      subject: rendered.subject,
      textBody: rendered.text,
      htmlBody: rendered.html,
      headers,
      messageId: signedMessageId(id, this.config.secretKey.value, this.domain),
      about: request.about ?? null,
      fromAddress,
      fromName: request.from?.name?.trim() || null,
    });
    return id;
  }

  /** What was mailed about a record (newest first): recipients, status, attempts, errors. */
  deliveryLog(about: string): Promise<DeliveryLogRow[]> {
    return this.outbox.deliveryLog(about);
  }
}
