import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { DEFAULT_LANGUAGE } from '../kernel/i18n/languages';
import { OutboxService } from '../kernel/mail/outbox.service';
import { EmailedLinks } from '../identity/emailed-links.service';
import type { NotifyEvent } from './notifications/notification-plan';

/** What a ticket's mail is about, for its delivery log. */
export function mailAbout(ticketId: string): string {
  return `ticket:${ticketId}`;
}

/** How long the answer links in a resolution mail work. */
export const ANSWER_LINK_DAYS = 14;

/** The token purpose of a ticket's answer links: a token answers only that ticket. */
export function answerPurpose(ref: string): string {
  return `ticket-answer:${ref.toUpperCase()}`;
}

export interface TicketMailFacts {
  ticketId: string;
  ref: string;
  subject: string;
  /** Who acted (their name goes into staff's notices). */
  actorName: string;
  /** The mailbox the ticket came in through (null: none): its mail goes out from there. */
  sender: TicketSender | null;
}

/** A mailbox that mail about a ticket goes out from, with its signature. */
export interface TicketSender {
  address: string;
  name: string;
  signature: string;
}

/** Whom a message goes to, with their address and language. */
export interface MailRecipient {
  id: string;
  email: string;
  locale: string | null;
  displayName: string;
}

/** What an event says beyond the ticket itself: the reply's text, the resolution. */
export interface EventText {
  text?: string;
  resolution?: string;
  status?: string;
}

/**
 * Mail about tickets, queued in the caller's transaction (so a rolled-back change sends nothing):
 * to requesters, the confirmation of a registration, staff's public replies, and the resolution
 * with one-click answers; to staff, a notice of what happened with a link to the ticket. Every
 * message of a ticket names one thread root in References and carries the number in the subject,
 * so mail programs keep a ticket's mail together and replies can find it. Who is mailed at all is
 * the notifier's decision (NotificationService).
 */
@Injectable()
export class TicketMailer {
  private readonly domain: string;

  constructor(
    private readonly outbox: OutboxService,
    private readonly config: ConfigService,
    private readonly links: EmailedLinks,
  ) {
    this.domain = new URL(config.get('app_url')).hostname || 'localhost';
  }

  /**
   * The requester's mail about an event on their request (a notice for events without their own
   * template). Without a language of their own, the one of whoever registered it for them.
   */
  async toRequester(event: NotifyEvent, to: MailRecipient, facts: TicketMailFacts, extra: EventText, fallbackLang: string): Promise<void> {
    const lang = to.locale ?? fallbackLang;
    if (event === 'resolved') return this.resolved(to, facts, lang, extra.resolution ?? '');
    const link = this.link(`/portal/requests/${facts.ref}`);
    if (event === 'created') return this.send(to, facts, lang, 'ticket-registered', 'ticket_registered', { link });
    if (event === 'replied') return this.send(to, facts, lang, 'ticket-reply', 'ticket_reply', { reply: extra.text ?? '', author: facts.actorName, link });
    await this.notice(event, to, facts, extra, lang, link);
  }

  /**
   * A staff member's notice of an event on a ticket, with its text where it has one, in their
   * language; a rejected resolution has a mail of its own, with the requester's reason.
   */
  async toStaff(event: NotifyEvent, to: MailRecipient, facts: TicketMailFacts, extra: EventText): Promise<void> {
    const lang = to.locale ?? DEFAULT_LANGUAGE;
    const link = this.link(`/tickets/${facts.ref}`);
    if (event === 'rejected') return this.send(to, facts, lang, 'ticket-rejected', 'ticket_rejected', { reason: extra.text ?? '', requester: facts.actorName, link });
    await this.notice(event, to, facts, extra, lang, link);
  }

  /**
   * Tells the requester their ticket is resolved, with one-click answers: a face per score and a
   * "not solved" link, all carrying one signed, single-use, expiring token for this ticket.
   */
  private async resolved(to: MailRecipient, facts: TicketMailFacts, lang: string, resolution: string): Promise<void> {
    const token = await this.links.issue(to.id, answerPurpose(facts.ref), ANSWER_LINK_DAYS * 24 * 60);
    const base = this.link(`/answers/${facts.ref}/${token}`);
    await this.send(to, facts, lang, 'ticket-resolved', 'ticket_resolved', {
      resolution,
      scores: [5, 4, 3, 2, 1].map((score) => ({ score, link: `${base}?score=${score}` })),
      rejectLink: `${base}?reject=1`,
      days: ANSWER_LINK_DAYS,
    });
  }

  private notice(event: NotifyEvent, to: MailRecipient, facts: TicketMailFacts, extra: EventText, lang: string, link: string): Promise<void> {
    const excerpt = (extra.text ?? extra.resolution ?? '').slice(0, 4000);
    return this.send(to, facts, lang, 'ticket-notice', `ticket_${event}`, { headline: `notifications.mail.${event}`, actor: facts.actorName, excerpt, status: extra.status ?? '', link });
  }

  private link(path: string): string {
    return new URL(path, this.config.get('app_url')).href;
  }

  /**
   * Queues one message. Mail about a ticket that came in through a mailbox goes out from that
   * mailbox, with its signature, so the conversation stays on the address the requester wrote to.
   */
  private async send(to: MailRecipient, facts: TicketMailFacts, lang: string, template: string, kind: string, vars: Record<string, unknown>): Promise<void> {
    const { sender: mailbox } = facts;
    await this.outbox.enqueue({
      kind,
      to: [to.email],
      template,
      lang,
      ...(mailbox ? { from: { address: mailbox.address, name: mailbox.name } } : {}),
      vars: { ...vars, name: to.displayName, ref: facts.ref, subject: facts.subject, mailboxSignature: mailbox?.signature ?? '' },
      headers: { References: `<ticket-${facts.ticketId}@${this.domain}>` },
      about: mailAbout(facts.ticketId),
    });
  }
}
