import { Injectable } from '@nestjs/common';
import { ConfigService } from '../kernel/config/config.service';
import { OutboxService } from '../kernel/mail/outbox.service';
import { UserRepository } from '../identity/user.repository';

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
  ) {
    this.domain = new URL(config.get('app_url')).hostname || 'localhost';
  }

  async registered(facts: TicketMailFacts, lang: string): Promise<void> {
    await this.send(facts, lang, 'ticket-registered', 'ticket_registered', {}, true);
  }

  async replied(facts: TicketMailFacts, lang: string, reply: { text: string; author: string }): Promise<void> {
    await this.send(facts, lang, 'ticket-reply', 'ticket_reply', { reply: reply.text, author: reply.author }, false);
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
    });
  }
}
