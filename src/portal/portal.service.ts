import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import type { Actor } from '../kernel/security/actor';
import { DomainError, NotFoundError } from '../kernel/web/domain-error';
import { TicketService, type TicketView } from '../tickets/ticket.service';
import { decodeCursor, encodeCursor } from '../tickets/queue-order';
import { ticketRef, type TicketType } from '../tickets/ticket-types';
import { requestListStatement, type RequestScope, type RequestState } from './request-list';

export const PORTAL_PAGE_SIZE = 25;

export interface RequestRow {
  id: string;
  ref: string;
  subject: string;
  status: string;
  isOpen: boolean;
  createdAt: Date;
  updatedAt: Date;
  requesterName: string;
  serviceName: string | null;
}

/** One step of a request's public history: a message, or a change of status. */
export type TimelineEntry =
  | { kind: 'message'; at: Date; message: TicketView['messages'][number] }
  | { kind: 'status'; at: Date; actorName: string | null; to: string; reason: string | null; score: number | null };

/** A status change as the requester sees it (the public part of the history). */
interface StatusEvent {
  occurredAt: Date;
  actorName: string | null;
  kind: string;
  changes: { to?: string; reason?: string; score?: number };
}

/**
 * What the portal shows requesters: their requests (and their organisation's where it shares
 * them) by keyset pages, and one request's public history, where messages and status changes
 * come in the order they happened. Internal notes and staff-only events never appear here.
 */
@Injectable()
export class PortalService {
  constructor(
    private readonly tickets: TicketService,
    private readonly uow: UnitOfWork,
    hooks: HookBus,
  ) {
    // The portal's menu shows the organisation's requests to those whose organisation shares them.
    hooks.addFilter('web.portal.nav', async (items, { userId }) =>
      (await this.sharedOrganisation({ id: userId })) ? [...items, { key: 'organisation', href: '/portal/requests?scope=organisation', labelKey: 'portal.nav_organisation' }] : items,
    );
  }

  /** The organisation whose requests the person may see, when it shares them. */
  async sharedOrganisation(actor: Pick<Actor, 'id'>): Promise<{ id: string; name: string } | null> {
    const [row] = await this.uow.manager().query(
      `SELECT o.id, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1 AND o.requests_shared AND o.active`,
      [actor.id],
    );
    return (row as { id: string; name: string } | undefined) ?? null;
  }

  async requests(actor: Actor, asked: { scope: RequestScope; state: RequestState; cursor?: string }, limit = PORTAL_PAGE_SIZE): Promise<{ rows: RequestRow[]; next: string | null }> {
    const ownerId = asked.scope === 'mine' ? actor.id : (await this.sharedOrganisation(actor))?.id;
    if (!ownerId) throw new NotFoundError();
    const after = asked.cursor ? decodeCursor(asked.cursor, 'updated') : undefined;
    if (asked.cursor && !after) throw new DomainError('cursor_invalid', 'tickets.errors.cursor', 400);
    const resolvedStatuses = (await this.tickets.statuses()).filter((status) => status.category === 'resolved').map((status) => status.key);
    const statement = requestListStatement({ scope: asked.scope, ownerId, state: asked.state, resolvedStatuses, ...(after ? { after } : {}), limit: limit + 1 });
    const rows: Array<Omit<RequestRow, 'ref'> & { type: string; number: string; position: string }> = await this.uow.manager().query(statement.sql, statement.params);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return {
      rows: shown.map(({ type, number, position: _position, ...row }) => ({ ...row, ref: ticketRef(type as TicketType, number) })),
      next: rows.length > limit && last ? encodeCursor('updated', last.position, last.id) : null,
    };
  }

  /** A request the actor may see, with its conversation and status changes merged in time order. */
  async request(actor: Actor, ref: string): Promise<{ view: TicketView; timeline: TimelineEntry[]; own: boolean; awaitingAnswer: boolean }> {
    const view = await this.tickets.view(actor, ref);
    const events = (await this.tickets.statusHistory(view.ticket.id)) as StatusEvent[];
    // An acceptance is recorded just before its status change: the score goes with that change.
    let score: number | null = null;
    const changes: TimelineEntry[] = [];
    for (const event of events) {
      if (event.kind === 'accepted') score = event.changes.score ?? null;
      else if (event.changes.to) {
        changes.push({ kind: 'status', at: event.occurredAt, actorName: event.actorName, to: event.changes.to, reason: event.changes.reason ?? null, score: event.changes.reason === 'requester_accepted' ? score : null });
      }
    }
    const timeline: TimelineEntry[] = [
      ...view.messages.map((message) => ({ kind: 'message' as const, at: message.createdAt, message })),
      ...changes,
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    const statuses = await this.tickets.statuses();
    const own = view.ticket.requesterId === actor.id;
    const awaitingAnswer = own && statuses.some((status) => status.key === view.ticket.status && status.category === 'resolved');
    return { view, timeline, own, awaitingAnswer };
  }
}
