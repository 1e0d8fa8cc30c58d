import { Injectable } from '@nestjs/common';
import { HookBus } from '../../kernel/hooks/hook-bus';
import type { Actor } from '../../kernel/security/actor';
import { rolesGrant, type Role } from '../../kernel/security/roles';
import { DomainError } from '../../kernel/web/domain-error';
import { decodeTimeCursor, encodeTimeCursor } from '../../kernel/web/time-cursor';
import { TicketMailer, type EventText } from '../ticket-mailer';
import { NotificationRepository, type NotificationRow } from './notification.repository';
import { effectiveMatrix, NOTIFY_CHANNELS, NOTIFY_EVENTS, planDeliveries, RECIPIENT_ROLES, type NotifyChannel, type NotifyEvent, type RecipientRole, type RuleOverride } from './notification-plan';

/** The badge counts this far ("99+" beyond): a nudge, not a ledger. */
export const UNREAD_CAP = 100;
export const NOTIFICATIONS_PAGE_SIZE = 30;

/** A ticket event as the notifier hears it. */
export interface TicketEvent {
  ticketId: string;
  ref: string;
  subject: string;
  actor: Pick<Actor, 'id' | 'displayName' | 'locale'> | null;
  /** The people an @mention reached (for `mentioned`). */
  mentionedIds?: readonly string[];
  text?: EventText;
  /** Send the requester nothing automatic: the mail came from a sender who asked for none. */
  quiet?: boolean;
}

/**
 * Tells people about ticket events, inside the transaction of the change: decides who hears
 * (the rule matrix, people's mutes, the plan's guards), writes their bell entries in one
 * statement and queues their mail in the outbox, so a change and its notifications commit or
 * roll back together. Also serves the bell: counts, pages, reading.
 */
@Injectable()
export class NotificationService {
  constructor(
    private readonly store: NotificationRepository,
    private readonly mailer: TicketMailer,
    hooks: HookBus,
  ) {
    hooks.addFilter('web.account.unread', async (count, { userId }) => count + (await this.store.unreadCount(userId, UNREAD_CAP)));
  }

  async notify(event: NotifyEvent, facts: TicketEvent): Promise<void> {
    const matrix = effectiveMatrix(await this.store.overrides());
    const wanted = { group: matrix[event].group.size > 0, lead: matrix[event].lead.size > 0 };
    const rows = await this.store.candidates(facts.ticketId, event, wanted, facts.mentionedIds ?? []);
    const byId = new Map(rows.map((row) => [row.userId, row]));
    const candidates = rows.map((row) => ({ ...row, staff: rolesGrant(row.userRoles as Role[], 'tickets.work'), mutedChannels: row.muted }));
    const planned = planDeliveries(event, candidates, facts.actor?.id ?? null, matrix);
    const deliveries = facts.quiet ? planned.map((delivery) => (delivery.role === 'requester' ? { ...delivery, channels: delivery.channels.filter((channel) => channel !== 'email') } : delivery)) : planned;
    const data = { ref: facts.ref, subject: facts.subject, ...(facts.text?.status ? { status: facts.text.status } : {}) };
    await this.store.insert(
      deliveries
        .filter((delivery) => delivery.channels.includes('in_app'))
        .map((delivery) => ({ userId: delivery.userId, ticketId: facts.ticketId, event, actorId: facts.actor?.id ?? null, data, popup: delivery.channels.includes('browser') })),
    );
    const mail = { ticketId: facts.ticketId, ref: facts.ref, subject: facts.subject, actorName: facts.actor?.displayName ?? '', sender: rows[0]?.mailbox ?? null };
    const fallbackLang = facts.actor?.locale ?? 'en';
    for (const delivery of deliveries.filter((candidate) => candidate.channels.includes('email'))) {
      const person = byId.get(delivery.userId)!;
      const to = { id: person.userId, email: person.email!, locale: person.locale, displayName: person.displayName };
      if (delivery.role === 'requester') await this.mailer.toRequester(event, to, mail, facts.text ?? {}, fallbackLang);
      else await this.mailer.toStaff(event, to, mail, facts.text ?? {});
    }
  }

  unreadCount(actor: Actor): Promise<number> {
    return this.store.unreadCount(actor.id, UNREAD_CAP);
  }

  /** A page of the person's notifications, newest first, and the cursor of the next. */
  async page(actor: Actor, cursor?: string): Promise<{ rows: NotificationRow[]; next: string | null }> {
    const after = cursor ? (decodeTimeCursor(cursor) ?? null) : null;
    if (cursor && !after) throw new DomainError('cursor_invalid', 'notifications.errors.cursor', 400);
    const rows = await this.store.page(actor.id, after, NOTIFICATIONS_PAGE_SIZE + 1);
    const shown = rows.slice(0, NOTIFICATIONS_PAGE_SIZE);
    const last = shown.at(-1);
    return { rows: shown, next: rows.length > NOTIFICATIONS_PAGE_SIZE && last ? encodeTimeCursor({ at: last.position, id: last.id }) : null };
  }

  /** What the open page polls: the count, and new entries to show as browser notifications. */
  async poll(actor: Actor, since: Date): Promise<{ count: number; fresh: NotificationRow[] }> {
    return { count: await this.unreadCount(actor), fresh: (await this.store.unreadSince(actor.id, since, 5)).filter((row) => row.popup) };
  }

  open(actor: Actor, id: string): Promise<NotificationRow | null> {
    return UUID.test(id) ? this.store.open(actor.id, id) : Promise.resolve(null);
  }

  readAll(actor: Actor): Promise<void> {
    return this.store.readAll(actor.id);
  }

  readTicket(actor: Actor, ticketId: string): Promise<void> {
    return this.store.readTicket(actor.id, ticketId);
  }

  /** The matrix in force, cell by cell, for the administrators' page. */
  async matrix(): Promise<Record<NotifyEvent, Record<RecipientRole, Set<NotifyChannel>>>> {
    return effectiveMatrix(await this.store.overrides());
  }

  /** Saves the administrators' matrix: only cells that differ from the defaults are stored. */
  async saveMatrix(ticked: ReadonlySet<string>): Promise<void> {
    const defaults = effectiveMatrix([]);
    const cells: RuleOverride[] = [];
    for (const event of NOTIFY_EVENTS)
      for (const role of RECIPIENT_ROLES)
        for (const channel of NOTIFY_CHANNELS) {
          const enabled = ticked.has(cellKey(event, role, channel));
          if (enabled !== defaults[event][role].has(channel)) cells.push({ event, role, channel, enabled });
        }
    await this.store.replaceOverrides(cells);
  }

  async mutes(actor: Actor): Promise<Set<string>> {
    return new Set((await this.store.mutes(actor.id)).map((cell) => `${cell.event}:${cell.channel}`));
  }

  /** Saves what the person wants to hear: every event × channel not ticked is muted. */
  async savePreferences(actor: Actor, wanted: ReadonlySet<string>): Promise<void> {
    const muted = NOTIFY_EVENTS.flatMap((event) => NOTIFY_CHANNELS.filter((channel) => !wanted.has(`${event}:${channel}`)).map((channel) => ({ event, channel })));
    await this.store.replaceMutes(actor.id, muted);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function cellKey(event: NotifyEvent, role: RecipientRole, channel: NotifyChannel): string {
  return `${event}:${role}:${channel}`;
}
