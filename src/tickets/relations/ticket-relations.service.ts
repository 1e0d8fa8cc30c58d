import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { HookBus } from '../../kernel/hooks/hook-bus';
import type { Actor } from '../../kernel/security/actor';
import { DomainError } from '../../kernel/web/domain-error';
import { UserRepository } from '../../identity/user.repository';
import { VisibilityService } from '../../identity/visibility/visibility.service';
import { WorkGroupService } from '../../identity/groups/work-group.service';
import { textToHtml } from '../ticket-html';
import { ticketRef } from '../ticket-types';
import { TicketRepository, type TicketRow } from '../ticket.repository';
import { TicketService, type ChangeSource } from '../ticket.service';
import { TicketRelationsRepository, type LinkedTicket } from './ticket-relations.repository';

/**
 * How tickets relate to each other: links, merging a duplicate into the ticket that carries on,
 * and splitting a message off into a ticket of its own. Each keeps both tickets' histories: a
 * merge moves the conversation but leaves the merged ticket (closed, pointing to the other) and
 * its history where they were.
 */
@Injectable()
export class TicketRelationsService {
  constructor(
    private readonly tickets: TicketService,
    private readonly rows: TicketRepository,
    private readonly relations: TicketRelationsRepository,
    private readonly users: UserRepository,
    private readonly groups: WorkGroupService,
    private readonly visibility: VisibilityService,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  /** The linked tickets the actor may see. */
  async linked(actor: Actor, ticketId: string): Promise<LinkedTicket[]> {
    return this.relations.linked(await this.visibility.scopeFor(actor), ticketId);
  }

  async link(actor: Actor, ref: string, otherRef: string, source: ChangeSource): Promise<void> {
    const [ticket, other] = await this.pair(actor, ref, otherRef, 'link');
    await this.uow.transaction(async () => {
      if (!(await this.relations.link(ticket.id, other.id, 'related', actor.id))) return;
      await this.rows.insertEvent(ticket.id, actor.id, source, 'linked', { ref: refOf(other) });
      await this.rows.insertEvent(other.id, actor.id, source, 'linked', { ref: refOf(ticket) });
      this.hooks.doAction('ticket.linked', { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id, linkedRef: refOf(other) });
    });
  }

  async unlink(actor: Actor, ref: string, otherRef: string, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const other = await this.tickets.visibleTicket(actor, otherRef);
    await this.uow.transaction(async () => {
      if (!(await this.relations.unlink(ticket.id, other.id))) return;
      await this.rows.insertEvent(ticket.id, actor.id, source, 'unlinked', { ref: refOf(other) });
      await this.rows.insertEvent(other.id, actor.id, source, 'unlinked', { ref: refOf(ticket) });
    });
  }

  /**
   * Merges `ref` (a duplicate) into `intoRef`: its messages and files move over, a note on the
   * surviving ticket quotes what the duplicate said, its requester and watchers come to watch, and
   * the duplicate is closed as merged (its own history stays with it). `version` is the
   * duplicate's version as the actor saw it.
   */
  async merge(actor: Actor, ref: string, intoRef: string, version: number, source: ChangeSource): Promise<void> {
    const [from, into] = await this.pair(actor, ref, intoRef, 'merge');
    if (from.mergedIntoId || into.mergedIntoId) throw new DomainError('ticket_already_merged', 'tickets.errors.already_merged', 409, { field: 'into' });
    await this.uow.transaction(async () => {
      const closed = await this.relations.closedStatus();
      await this.tickets.applyChange(from, version, { status: closed, merged_into_id: into.id, resolution_code: 'merged', resolution_text: refOf(into), resolved_at: new Date() });
      const moved = await this.relations.moveConversation(from.id, into.id);
      const note = `${textToHtml(`${refOf(from)}: ${from.subject}`)}${from.descriptionHtml}`;
      await this.rows.insertMessage(into.id, 'note', actor.id, note, `${refOf(from)} ${from.subject}`);
      await this.relations.carryWatchers(from.id, into.id);
      await this.relations.link(from.id, into.id, 'merged', actor.id);
      await this.rows.touch(into.id);
      await this.rows.insertEvent(from.id, actor.id, source, 'merged', { into: refOf(into) });
      await this.rows.insertEvent(into.id, actor.id, source, 'merged_from', { from: refOf(from), messages: moved });
      await this.rows.refreshSearch(from.id, refOf(from));
      await this.rows.refreshSearch(into.id, refOf(into));
      this.hooks.doAction('ticket.merged', { ticketId: into.id, ref: refOf(into), actorId: actor.id, mergedRef: refOf(from) });
    });
  }

  /**
   * Splits one message off into a new ticket for the same requester, addressed the same way: the
   * message stays where it was, the new ticket starts from its text, and the two are linked.
   */
  async split(actor: Actor, ref: string, messageId: string, subject: string, source: ChangeSource): Promise<string> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const message = await this.relations.message(ticket.id, messageId);
    if (!message) throw new DomainError('message_unknown', 'errors.not_found', 404);
    const requester = await this.users.findById(ticket.requesterId);
    const assignee = ticket.assigneeId ? await this.users.findById(ticket.assigneeId) : null;
    return this.uow.transaction(async () => {
      const newRef = await this.tickets.create(
        actor,
        {
          type: ticket.type,
          subject,
          descriptionHtml: message.bodyHtml,
          requester: requester?.username ?? '',
          channel: ticket.channel,
          ...(ticket.serviceId ? { service: ticket.serviceId } : {}),
          ...(ticket.componentId ? { component: ticket.componentId } : {}),
          ...(ticket.groupId ? { group: (await this.groups.nameOf(ticket.groupId)) ?? '' } : {}),
          ...(assignee?.active ? { assignee: assignee.username } : {}),
          category: ticket.category,
          custom: ticket.custom,
          impact: ticket.impact,
          urgency: ticket.urgency,
        },
        source,
      );
      const created = await this.tickets.visibleTicket(actor, newRef);
      await this.relations.link(ticket.id, created.id, 'split', actor.id);
      await this.rows.insertEvent(ticket.id, actor.id, source, 'split', { to: newRef, messageId });
      await this.rows.insertEvent(created.id, actor.id, source, 'split_from', { from: ref.toUpperCase(), messageId });
      return newRef;
    });
  }

  /** Both tickets for a two-ticket action: the first workable, the second visible, and not the same. */
  private async pair(actor: Actor, ref: string, otherRef: string, action: 'link' | 'merge'): Promise<[TicketRow, TicketRow]> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    let other: TicketRow;
    try {
      other = await this.tickets.visibleTicket(actor, otherRef.trim());
    } catch {
      throw new DomainError('ticket_unknown', 'tickets.errors.ticket_unknown', 400, { field: action === 'merge' ? 'into' : 'other', ref: otherRef.trim().slice(0, 30) });
    }
    if (other.id === ticket.id) throw new DomainError('ticket_same', 'tickets.errors.same_ticket', 400, { field: action === 'merge' ? 'into' : 'other' });
    return [ticket, other];
  }
}

function refOf(ticket: TicketRow): string {
  return ticketRef(ticket.type, ticket.number);
}
