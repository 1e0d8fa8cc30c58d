import { Injectable } from '@nestjs/common';
import type { Actor } from '../kernel/security/actor';
import { actorCan } from '../kernel/security/permissions';
import { DomainError } from '../kernel/web/domain-error';
import { TicketFollowingService } from './ticket-following.service';
import { TicketService } from './ticket.service';

export const BULK_ACTIONS = ['assign', 'status', 'tag', 'star', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const MAX_BULK = 100;

export interface BulkOutcome {
  done: string[];
  /** Tickets left as they were, with the reason (a refusal's code). */
  skipped: Array<{ ref: string; reason: string }>;
}

/**
 * One action on many tickets from a queue: each ticket goes through the same service call as on
 * its own page (permissions, visibility, workflow, history, hooks), at its current version, in its
 * own transaction; one that cannot take the action is skipped with the reason, never half-done.
 */
@Injectable()
export class BulkActionsService {
  constructor(
    private readonly tickets: TicketService,
    private readonly following: TicketFollowingService,
  ) {}

  async apply(actor: Actor, refs: readonly string[], action: BulkAction, value: string): Promise<BulkOutcome> {
    const unique = [...new Set(refs.map((ref) => ref.trim().toUpperCase()).filter(Boolean))];
    if (unique.length === 0) throw new DomainError('bulk_empty', 'tickets.errors.bulk_empty', 400);
    if (unique.length > MAX_BULK) throw new DomainError('bulk_too_many', 'tickets.errors.bulk_too_many', 400, { count: MAX_BULK });
    if (action === 'delete' && !actorCan(actor, 'tickets.delete')) throw new DomainError('bulk_forbidden', 'errors.forbidden', 403);
    const outcome: BulkOutcome = { done: [], skipped: [] };
    for (const ref of unique) {
      try {
        await this.one(actor, ref, action, value);
        outcome.done.push(ref);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        outcome.skipped.push({ ref, reason: error.code });
      }
    }
    return outcome;
  }

  private async one(actor: Actor, ref: string, action: BulkAction, value: string): Promise<void> {
    if (action === 'star') return this.tickets.star(actor, ref, true);
    const ticket = await this.tickets.workableTicket(actor, ref);
    switch (action) {
      case 'assign': {
        const [group, assignee] = value.split('/').map((part) => part.trim());
        return this.tickets.assign(actor, ref, { group: group ?? '', assignee: assignee ?? '', version: ticket.version }, 'web');
      }
      case 'status':
        return this.tickets.changeStatus(actor, ref, { status: value.trim(), version: ticket.version }, 'web');
      case 'tag':
        return this.following.setTags(actor, ref, { tags: [...ticket.tags, value].join(','), version: ticket.version }, 'web');
      case 'delete':
        return this.tickets.delete(actor, ref, ticket.version, 'web');
    }
  }
}
