import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import type { Actor } from '../kernel/security/actor';
import { DomainError } from '../kernel/web/domain-error';
import { ticketRef } from './ticket-types';
import { TicketRepository } from './ticket.repository';
import { TicketService, type ChangeSource } from './ticket.service';
import { CustomFieldsService } from './fields/custom-fields.service';

const MAX_TAGS = 20;
const MAX_TAG = 50;

/** A ticket's tags as typed: split at commas, lower-cased, each once, bounded. */
export function parseTags(text: string): string[] {
  const tags = [...new Set(text.split(',').map((tag) => tag.normalize('NFC').replace(/\s+/g, ' ').trim().toLocaleLowerCase('und')).filter(Boolean))];
  if (tags.length > MAX_TAGS || tags.some((tag) => [...tag].length > MAX_TAG)) throw new DomainError('tags_invalid', 'tickets.errors.tags', 400, { field: 'tags', count: MAX_TAGS, max: MAX_TAG });
  return tags;
}

/**
 * Who follows a ticket and how it is labelled: watching it oneself (staff), its tags and its
 * custom field values, changed with optimistic locking and recorded as `updated` with the hook
 * `ticket.updated`.
 */
@Injectable()
export class TicketFollowingService {
  constructor(
    private readonly tickets: TicketService,
    private readonly rows: TicketRepository,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
    private readonly fields: CustomFieldsService,
  ) {}

  async watch(actor: Actor, ref: string, watching: boolean): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    await this.rows.setWatching(ticket.id, actor.id, watching);
  }

  /** Changes custom field values under the same rules as at registration (for the ticket's type, service, category). */
  async setCustom(actor: Actor, ref: string, input: { custom?: Record<string, unknown>; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const custom = await this.fields.check({ type: ticket.type, serviceId: ticket.serviceId, category: ticket.category || null }, input.custom ?? {});
    await this.uow.transaction(async () => {
      await this.tickets.applyChange(ticket, input.version, { custom });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'updated', { custom: { from: ticket.custom, to: custom } });
      this.hooks.doAction('ticket.updated', { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id, fields: ['custom'] });
    });
  }

  async setTags(actor: Actor, ref: string, input: { tags: string; version: number }, source: ChangeSource): Promise<void> {
    const ticket = await this.tickets.workableTicket(actor, ref);
    const tags = parseTags(input.tags ?? '');
    await this.uow.transaction(async () => {
      await this.tickets.applyChange(ticket, input.version, { tags });
      await this.rows.insertEvent(ticket.id, actor.id, source, 'updated', { tags: { from: ticket.tags, to: tags } });
      this.hooks.doAction('ticket.updated', { ticketId: ticket.id, ref: ticketRef(ticket.type, ticket.number), actorId: actor.id, fields: ['tags'] });
    });
  }
}
