import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { OutboxService } from '../kernel/mail/outbox.service';
import { UserRepository } from '../identity/user.repository';
import { EmailedLinks } from '../identity/emailed-links.service';

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
  requesterId: string;
  /** Who acted; nobody is mailed about their own action. */
  actorId: string;
}

/**
 * Mail to requesters about their tickets, queued in the caller's transaction (so a rolled-back
 * reply sends nothing): the confirmation that a request was registered, and staff's public
 * replies. Every message of a ticket names one thread root in References and carries the number
 * in the subject, so mail programs keep a ticket's mail together and replies can find it.
 */
@Injectable()
export class TicketMailer {
  private readonly domain: string;

  constructor(
    private readonly outbox: OutboxService,
    private readonly users: UserRepository,
    private readonly config: ConfigService,
    private readonly links: EmailedLinks,
  ) {
    this.domain = new URL(config.get('app_url')).hostname || 'localhost';
  }

  async registered(facts: TicketMailFacts, lang: string): Promise<void> {
    await this.send(facts, lang, 'ticket-registered', 'ticket_registered', {}, true);
  }

  async replied(facts: TicketMailFacts, lang: string, reply: { text: string; author: string }): Promise<void> {
    await this.send(facts, lang, 'ticket-reply', 'ticket_reply', { reply: reply.text, author: reply.author }, false);
  }

  /**
   * Tells the requester their ticket is resolved, with one-click answers: a face per score and a
   * "not solved" link, all carrying one signed, single-use, expiring token for this ticket.
   */
  async resolved(facts: TicketMailFacts, lang: string, resolution: string): Promise<void> {
    if (facts.actorId === facts.requesterId) return;
    const requester = await this.users.findById(facts.requesterId);
    if (!requester?.active || !requester.email) return;
    const token = await this.links.issue(requester.id, answerPurpose(facts.ref), ANSWER_LINK_DAYS * 24 * 60);
    const base = new URL(`/answers/${facts.ref}/${token}`, this.config.get('app_url')).href;
    await this.outbox.enqueue({
      kind: 'ticket_resolved',
      to: [requester.email],
      template: 'ticket-resolved',
      lang: requester.locale ?? lang,
      vars: {
        name: requester.displayName,
        ref: facts.ref,
        subject: facts.subject,
        resolution,
        scores: [5, 4, 3, 2, 1].map((score) => ({ score, link: `${base}?score=${score}` })),
        rejectLink: `${base}?reject=1`,
        days: ANSWER_LINK_DAYS,
      },
      headers: { References: `<ticket-${facts.ticketId}@${this.domain}>` },
      about: mailAbout(facts.ticketId),
    });
  }

  /** Tells the assignee that the requester rejected the resolution, with their reason. */
  async rejected(facts: TicketMailFacts, assigneeId: string, vars: { reason: string; requester: string }): Promise<void> {
    const assignee = await this.users.findById(assigneeId);
    if (!assignee?.active || !assignee.email) return;
    await this.outbox.enqueue({
      kind: 'ticket_rejected',
      to: [assignee.email],
      template: 'ticket-rejected',
      lang: assignee.locale ?? 'en',
      vars: { ...vars, name: assignee.displayName, ref: facts.ref, subject: facts.subject, link: new URL(`/tickets/${facts.ref}`, this.config.get('app_url')).href },
      headers: { References: `<ticket-${facts.ticketId}@${this.domain}>` },
      about: mailAbout(facts.ticketId),
    });
  }

  private async send(facts: TicketMailFacts, lang: string, template: string, kind: string, vars: Record<string, unknown>, evenToActor: boolean): Promise<void> {
    if (!evenToActor && facts.actorId === facts.requesterId) return;
    const requester = await this.users.findById(facts.requesterId);
    if (!requester?.active || !requester.email) return;
    await this.outbox.enqueue({
      kind,
      to: [requester.email],
      template,
      lang: requester.locale ?? lang,
      vars: { ...vars, name: requester.displayName, ref: facts.ref, subject: facts.subject, link: new URL(`/tickets/${facts.ref}`, this.config.get('app_url')).href },
      headers: { References: `<ticket-${facts.ticketId}@${this.domain}>` },
      about: mailAbout(facts.ticketId),
    });
  }
}
