import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { HookBus } from '../../kernel/hooks/hook-bus';
import { calendarDayIn, parseDay } from '../../kernel/i18n/calendar-day';
import type { Actor } from '../../kernel/security/actor';
import { DomainError } from '../../kernel/web/domain-error';
import { WorkGroupService } from '../../identity/groups/work-group.service';
import { ticketRef } from '../ticket-types';
import { TicketRepository, type TicketRow } from '../ticket.repository';
import { TicketService, type ChangeSource } from '../ticket.service';
import { parseDuration } from './duration';
import { TicketWorkRepository, type TransferKind, type TransferRow, type WorkEntry } from './ticket-work.repository';

const MAX_REASON = 2000;
const MAX_NAME = 200;

export interface TicketWorkView {
  chain: TransferRow[];
  work: WorkEntry[];
  totals: Array<{ userName: string | null; minutes: number }>;
}

/**
 * Moving a ticket between the people who work it, and the time they spend: transfer to another
 * group, escalate to the group's next line or to the service owner, hand over to an external
 * contractor — each kept in the ticket's transfer chain, shown on its page — and the work log.
 */
@Injectable()
export class TicketWorkService {
  constructor(
    private readonly tickets: TicketService,
    private readonly rows: TicketRepository,
    private readonly work: TicketWorkRepository,
    private readonly groups: WorkGroupService,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  async view(ticketId: string): Promise<TicketWorkView> {
    return { chain: await this.work.chain(ticketId), work: await this.work.work(ticketId), totals: await this.work.totals(ticketId) };
  }

  /** To another group (its automatic assignment applies); a contractor's handover ends. */
  async transfer(actor: Actor, ref: string, input: { group: string; reason?: string; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const groupId = input.group?.trim() ? await this.groups.activeGroupId(input.group.trim()) : null;
    if (!groupId) throw new DomainError('group_unknown', 'people.errors.group_unknown', 400, { field: 'group', name: (input.group ?? '').trim() });
    await this.moveToGroup(actor, ticket, groupId, 'transfer', reasonOf(input.reason), input.version, source);
  }

  /** To the group's next line, or to the owner of the ticket's service. */
  async escalate(actor: Actor, ref: string, input: { to: 'next_line' | 'service_owner'; reason?: string; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const reason = reasonOf(input.reason);
    if (input.to === 'next_line') {
      const next = ticket.groupId ? await this.groups.escalationOf(ticket.groupId) : null;
      if (!next) throw new DomainError('no_next_line', 'tickets.errors.no_next_line', 409, { field: 'to' });
      await this.moveToGroup(actor, ticket, next, 'escalation', reason, input.version, source);
      return;
    }
    const owner = ticket.serviceId ? await this.work.serviceOwner(ticket.serviceId) : null;
    if (!owner) throw new DomainError('no_service_owner', 'tickets.errors.no_service_owner', 409, { field: 'to' });
    await this.uow.transaction(async () => {
      await this.tickets.applyChange(ticket, input.version, { assignee_id: owner });
      await this.work.addTransfer({ ticketId: ticket.id, kind: 'owner', fromGroupId: ticket.groupId, toGroupId: ticket.groupId, toUserId: owner, reason, actorId: actor.id });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'escalated', { to: 'service_owner', assigneeId: owner, reason });
      this.hooks.doAction('ticket.assigned', { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id, groupId: ticket.groupId, assigneeId: owner });
      this.hooks.doAction('ticket.transferred', { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id, kind: 'owner', fromGroupId: ticket.groupId, toGroupId: ticket.groupId });
    });
  }

  /** To an external contractor: who and under which contract; the ticket waits for them. */
  async handOver(actor: Actor, ref: string, input: { contractor: string; contractRef?: string; reason?: string; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const contractor = (input.contractor ?? '').replace(/\s+/g, ' ').trim();
    if (!contractor) throw new DomainError('contractor_required', 'validation.required', 400, { field: 'contractor' });
    if ([...contractor].length > MAX_NAME) throw new DomainError('contractor_too_long', 'validation.too_long', 400, { field: 'contractor', count: MAX_NAME });
    const contractRef = (input.contractRef ?? '').trim().slice(0, MAX_NAME);
    const reason = reasonOf(input.reason);
    await this.uow.transaction(async () => {
      const waiting = await this.work.pendingFrom(ticket.status);
      await this.tickets.applyChange(ticket, input.version, { contractor, contract_ref: contractRef || null, ...(waiting ? { status: waiting } : {}) });
      await this.work.addTransfer({ ticketId: ticket.id, kind: 'contractor', fromGroupId: ticket.groupId, toGroupId: null, toUserId: null, contractor, contractRef, reason, actorId: actor.id });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'handed_over', { contractor, contractRef, reason });
      if (waiting) await this.rows.insertEvent(ticket.id, actor.id, source, 'status_changed', { from: ticket.status, to: waiting });
      this.hooks.doAction('ticket.transferred', { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id, kind: 'contractor', fromGroupId: ticket.groupId, toGroupId: null });
    });
  }

  /** Time spent by the actor: "1h 30m", "90", "1:30" …, on a day (default today, never ahead). */
  async logWork(actor: Actor, ref: string, input: { time: string; workedOn?: string; note?: string }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const minutes = parseDuration(input.time ?? '');
    if (minutes === undefined) throw new DomainError('time_invalid', 'tickets.errors.time_invalid', 400, { field: 'time' });
    const today = calendarDayIn(new Date(), actor.timeZone ?? 'UTC');
    const workedOn = input.workedOn?.trim() || today;
    if (!parseDay(workedOn) || workedOn > today) {
      throw new DomainError('day_invalid', 'tickets.errors.day_invalid', 400, { field: 'workedOn' });
    }
    const note = (input.note ?? '').trim().slice(0, MAX_REASON);
    await this.uow.transaction(async () => {
      await this.work.addWork({ ticketId: ticket.id, userId: actor.id, minutes, workedOn, note });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'work_logged', { minutes, workedOn });
    });
  }

  private async moveToGroup(actor: Actor, ticket: TicketRow, groupId: string, kind: TransferKind, reason: string, version: number, source: ChangeSource): Promise<void> {
    if (groupId === ticket.groupId) throw new DomainError('same_group', 'tickets.errors.same_group', 400, { field: kind === 'transfer' ? 'group' : 'to' });
    const groupName = (await this.groups.nameOf(groupId)) ?? '';
    await this.uow.transaction(async () => {
      // Assignment runs the new group's automatic assignment and records "assigned".
      await this.tickets.assign(actor, refOf(ticket), { group: groupName, assignee: '', version }, source);
      if (ticket.contractor) await this.rows.touch(ticket.id, { contractor: null, contract_ref: null });
      await this.work.addTransfer({ ticketId: ticket.id, kind, fromGroupId: ticket.groupId, toGroupId: groupId, toUserId: null, reason, actorId: actor.id });
      await this.rows.insertEvent(ticket.id, actor.id, source, kind === 'transfer' ? 'transferred' : 'escalated', { fromGroupId: ticket.groupId, toGroupId: groupId, reason });
      this.hooks.doAction('ticket.transferred', { ticketId: ticket.id, ref: refOf(ticket), actorId: actor.id, kind, fromGroupId: ticket.groupId, toGroupId: groupId });
    });
  }
}

function reasonOf(text: string | undefined): string {
  return (text ?? '').trim().slice(0, MAX_REASON);
}

function refOf(ticket: TicketRow): string {
  return ticketRef(ticket.type, ticket.number);
}
