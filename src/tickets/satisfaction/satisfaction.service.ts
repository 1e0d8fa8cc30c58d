import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { HookBus } from '../../kernel/hooks/hook-bus';
import type { Actor } from '../../kernel/security/actor';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { NotificationService } from '../notifications/notification.service';
import { ticketRef } from '../ticket-types';
import { TicketRepository, type TicketRow } from '../ticket.repository';
import { TicketService, type ChangeSource } from '../ticket.service';
import { htmlToText, textToHtml } from '../ticket-html';
import { categoryOf, nextStatuses } from '../workflow';

/** The rating scale as faces, worst to best (scores 1–5). */
export const RATING_FACES = ['😠', '🙁', '😐', '🙂', '😄'] as const;

const MAX_COMMENT = 2000;
const MAX_REASON = 5000;

/**
 * The requester's answer to a resolution: accept it with a rating (1–5 and an optional comment),
 * which closes the ticket, or reject it with a reason, which reopens it, adds the reason to the
 * conversation and tells whoever works the ticket (the notification matrix's `rejected` row).
 * Only the ticket's requester answers, only while it is resolved, and only through transitions
 * the workflow allows.
 */
@Injectable()
export class SatisfactionService {
  constructor(
    private readonly tickets: TicketService,
    private readonly rows: TicketRepository,
    private readonly notifier: NotificationService,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  async accept(actor: Actor, ref: string, input: { score: number; comment?: string }, source: ChangeSource): Promise<void> {
    const ticket = await this.awaiting(actor, ref);
    if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5) throw new DomainError('score_invalid', 'satisfaction.errors.score', 400, { field: 'score' });
    const comment = (input.comment ?? '').trim();
    if (comment.length > MAX_COMMENT) throw new DomainError('comment_too_long', 'validation.too_long', 400, { field: 'comment', count: MAX_COMMENT });
    const workflow = await this.rows.workflow();
    const closed = nextStatuses(workflow, ticket.status).find((status) => status.category === 'closed');
    if (!closed) throw new DomainError('transition_not_allowed', 'tickets.errors.transition_not_allowed', 409);
    await this.uow.transaction(async () => {
      await this.tickets.applyChange(ticket, ticket.version, { status: closed.key });
      await this.uow.manager().query(`INSERT INTO ticket_ratings (ticket_id, requester_id, score, comment) VALUES ($1, $2, $3, $4)`, [ticket.id, actor.id, input.score, comment]);
      await this.rows.insertEvent(ticket.id, actor.id, source, 'accepted', { score: input.score, ...(comment ? { comment } : {}) });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'status_changed', { from: ticket.status, to: closed.key, reason: 'requester_accepted' });
      const event = { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id };
      this.hooks.doAction('ticket.status.changed', { ...event, from: ticket.status, to: closed.key });
      this.hooks.doAction('ticket.rated', { ...event, score: input.score });
    });
  }

  async reject(actor: Actor, ref: string, input: { reason: string }, source: ChangeSource): Promise<void> {
    const ticket = await this.awaiting(actor, ref);
    const reason = (input.reason ?? '').replace(/\0/g, '').trim();
    if (!reason) throw new DomainError('reason_required', 'satisfaction.errors.reason', 400, { field: 'reason' });
    if (reason.length > MAX_REASON) throw new DomainError('reason_too_long', 'validation.too_long', 400, { field: 'reason', count: MAX_REASON });
    const workflow = await this.rows.workflow();
    const reopen = nextStatuses(workflow, ticket.status).find((status) => status.category === 'open');
    if (!reopen) throw new DomainError('transition_not_allowed', 'tickets.errors.transition_not_allowed', 409);
    await this.uow.transaction(async () => {
      await this.tickets.applyChange(ticket, ticket.version, { status: reopen.key, resolved_at: null });
      const html = textToHtml(reason);
      const messageId = await this.rows.insertMessage(ticket.id, 'reply', actor.id, html, htmlToText(html));
      await this.rows.insertEvent(ticket.id, actor.id, source, 'rejected', { messageId });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'status_changed', { from: ticket.status, to: reopen.key, reason: 'requester_rejected' });
      await this.rows.refreshSearch(ticket.id, refOf(ticket));
      await this.notifier.notify('rejected', { ticketId: ticket.id, ref: refOf(ticket), subject: ticket.subject, actor: { ...actor, displayName: actor.displayName || actor.username }, text: { text: reason } });
      const event = { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id };
      this.hooks.doAction('ticket.status.changed', { ...event, from: ticket.status, to: reopen.key });
      this.hooks.doAction('ticket.reopened', event);
    });
  }

  /** The actor's own ticket, waiting for their answer (resolved); anything else is refused. */
  private async awaiting(actor: Actor, ref: string): Promise<TicketRow> {
    const ticket = await this.tickets.visibleTicket(actor, ref);
    if (ticket.requesterId !== actor.id) throw new NotFoundError();
    if (categoryOf(await this.rows.workflow(), ticket.status) !== 'resolved') throw new DomainError('not_resolved', 'satisfaction.errors.not_resolved', 409);
    return ticket;
  }
}

function refOf(ticket: TicketRow): string {
  return ticketRef(ticket.type, ticket.number);
}
