import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { SettingsMemo } from '../../kernel/database/settings-memo';
import { cursorTime, type TimePosition } from '../../kernel/web/time-cursor';
import type { NotifyChannel, NotifyEvent, RecipientRole, RuleOverride } from './notification-plan';
import type { TicketSender } from '../ticket-mailer';

/** A person who may hear of an event, as the database knows them. */
export interface CandidateRow {
  userId: string;
  roles: RecipientRole[];
  userRoles: string[];
  active: boolean;
  email: string | null;
  locale: string | null;
  displayName: string;
  muted: NotifyChannel[];
  /** The mailbox the ticket came in through, the same on every row: mail about it goes out from there. */
  mailbox: TicketSender | null;
}

/** One entry of the bell. */
export interface NotificationRow {
  id: string;
  event: NotifyEvent;
  ticketId: string | null;
  actorName: string | null;
  data: { ref?: string; subject?: string; status?: string };
  popup: boolean;
  createdAt: Date;
  readAt: Date | null;
}

export interface NewNotification {
  userId: string;
  ticketId: string;
  event: NotifyEvent;
  actorId: string | null;
  data: Record<string, unknown>;
  popup: boolean;
}

const ROW = `n.id, n.event, n.ticket_id AS "ticketId", a.display_name AS "actorName", n.data, n.popup, n.created_at AS "createdAt", n.read_at AS "readAt"`;

/** Notifications, the rule overrides and people's mutes; every query by index. */
@Injectable()
export class NotificationRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: SettingsMemo,
  ) {}

  private query<T = unknown>(sql: string, params: unknown[]): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  /**
   * Everyone related to the ticket in the roles asked for, each once with all their roles: the
   * requester, the assignee, watchers, the group's members while nobody has taken the ticket, the
   * group's lead, and the people mentioned.
   */
  candidates(ticketId: string, event: NotifyEvent, wanted: { group: boolean; lead: boolean }, mentionedIds: readonly string[]): Promise<CandidateRow[]> {
    return this.uow.query(
      `WITH t AS (SELECT requester_id, assignee_id, group_id, mailbox_id FROM tickets WHERE id = $1),
            related (user_id, role) AS (
              SELECT requester_id, 'requester' FROM t
              UNION ALL SELECT assignee_id, 'assignee' FROM t WHERE assignee_id IS NOT NULL
              UNION ALL SELECT w.user_id, 'watcher' FROM ticket_watchers w WHERE w.ticket_id = $1
              UNION ALL SELECT m.user_id, 'group' FROM t JOIN work_group_members m ON m.group_id = t.group_id WHERE $3 AND t.assignee_id IS NULL
              UNION ALL SELECT g.lead_id, 'lead' FROM t JOIN work_groups g ON g.id = t.group_id WHERE $4 AND g.lead_id IS NOT NULL
              UNION ALL SELECT unnest($2::uuid[]), 'mentioned')
       SELECT u.id AS "userId", array_agg(DISTINCT r.role ORDER BY r.role) AS roles, u.roles AS "userRoles", u.active, u.email, u.locale,
              u.display_name AS "displayName",
              coalesce((SELECT array_agg(x.channel) FROM notification_mutes x WHERE x.user_id = u.id AND x.event = $5), '{}') AS muted,
              (SELECT json_build_object('address', m.address, 'name', m.name, 'signature', m.signature) FROM t JOIN mailboxes m ON m.id = t.mailbox_id) AS mailbox
         FROM related r JOIN users u ON u.id = r.user_id
        GROUP BY u.id`,
      [ticketId, mentionedIds, wanted.group, wanted.lead, event],
      'notification-candidates',
    );
  }

  /** The bell's new entries in one statement, however many people hear of the event. */
  async insert(rows: readonly NewNotification[]): Promise<void> {
    if (rows.length === 0) return;
    await this.uow.write(
      `INSERT INTO notifications (user_id, ticket_id, event, actor_id, data, popup)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::jsonb[], $6::boolean[])`,
      [rows.map((row) => row.userId), rows.map((row) => row.ticketId), rows.map((row) => row.event), rows.map((row) => row.actorId), rows.map((row) => JSON.stringify(row.data)), rows.map((row) => row.popup)],
    );
  }

  /** Unread entries, counted up to `cap` (the badge says "99+" beyond). */
  async unreadCount(userId: string, cap: number): Promise<number> {
    const [row] = await this.query<{ count: number }>(`SELECT count(*)::int AS count FROM (SELECT 1 FROM notifications WHERE user_id = $1 AND read_at IS NULL LIMIT $2) n`, [userId, cap]);
    return row?.count ?? 0;
  }

  /** A page of the person's entries, newest first, after the keyset position given. */
  page(userId: string, after: TimePosition | null, limit: number): Promise<Array<NotificationRow & { position: string }>> {
    return this.query(
      `SELECT ${ROW}, ${cursorTime('n.created_at')} AS position
         FROM notifications n LEFT JOIN users a ON a.id = n.actor_id
        WHERE n.user_id = $1 ${after ? `AND (n.created_at, n.id) < ($3::timestamptz, $4::uuid)` : ''}
        ORDER BY n.created_at DESC, n.id DESC LIMIT $2`,
      after ? [userId, limit, after.at, after.id] : [userId, limit],
    );
  }

  /** Unread entries newer than `since`, for the poll that updates the bell. */
  unreadSince(userId: string, since: Date, limit: number): Promise<NotificationRow[]> {
    return this.query(
      `SELECT ${ROW} FROM notifications n LEFT JOIN users a ON a.id = n.actor_id
        WHERE n.user_id = $1 AND n.read_at IS NULL AND n.created_at > $2
        ORDER BY n.created_at DESC, n.id DESC LIMIT $3`,
      [userId, since, limit],
    );
  }

  /** Marks one entry read; returns it (to follow its link) or null when it is not the person's. */
  async open(userId: string, id: string): Promise<NotificationRow | null> {
    const rows = await this.query<NotificationRow>(
      `WITH opened AS (UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING *)
       SELECT ${ROW} FROM opened n LEFT JOIN users a ON a.id = n.actor_id`,
      [id, userId],
    );
    return rows[0] ?? null;
  }

  async readAll(userId: string): Promise<void> {
    await this.query(`WITH done AS (UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING 1) SELECT count(*) FROM done`, [userId]);
  }

  /** Opening a ticket reads what the bell said about it. */
  async readTicket(userId: string, ticketId: string): Promise<void> {
    await this.query(`WITH done AS (UPDATE notifications SET read_at = now() WHERE ticket_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING 1) SELECT count(*) FROM done`, [ticketId, userId]);
  }

  overrides(): Promise<RuleOverride[]> {
    return this.settings.read('notification-rules', () => this.query(`SELECT event, role, channel, enabled FROM notification_rules`, []));
  }

  /** Replaces the administrators' overrides as a whole (the form sends the full matrix). */
  async replaceOverrides(cells: readonly RuleOverride[]): Promise<void> {
    await this.query(`DELETE FROM notification_rules`, []);
    if (cells.length === 0) return;
    await this.query(
      `INSERT INTO notification_rules (event, role, channel, enabled) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])`,
      [cells.map((cell) => cell.event), cells.map((cell) => cell.role), cells.map((cell) => cell.channel), cells.map((cell) => cell.enabled)],
    );
  }

  mutes(userId: string): Promise<Array<{ event: NotifyEvent; channel: NotifyChannel }>> {
    return this.query(`SELECT event, channel FROM notification_mutes WHERE user_id = $1`, [userId]);
  }

  async replaceMutes(userId: string, cells: ReadonlyArray<{ event: NotifyEvent; channel: NotifyChannel }>): Promise<void> {
    await this.query(`DELETE FROM notification_mutes WHERE user_id = $1`, [userId]);
    if (cells.length === 0) return;
    await this.query(`INSERT INTO notification_mutes (user_id, event, channel) SELECT $1, * FROM unnest($2::text[], $3::text[])`, [userId, cells.map((cell) => cell.event), cells.map((cell) => cell.channel)]);
  }
}
