import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';

export type Activity = 'viewing' | 'replying';

export interface Present {
  userId: string;
  name: string;
  activity: Activity;
}

/** A heartbeat older than this is someone who left without saying so. */
export const PRESENCE_TTL_SECONDS = 20;

/** Heartbeats of who has which ticket open, and the ticket's state to notice changes by others. */
@Injectable()
export class PresenceRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  /**
   * Records a heartbeat; "replying" stays until it expires, a plain view does not downgrade it. A
   * plain view renews a heartbeat only when it is a few seconds old, so busy pages do not turn every
   * render into a write.
   */
  async beat(ticketId: string, userId: string, activity?: Activity): Promise<void> {
    await this.query(
      `INSERT INTO ticket_presence (ticket_id, user_id, activity, seen_at) VALUES ($1, $2, coalesce($3, 'viewing'), now())
       ON CONFLICT (ticket_id, user_id) DO UPDATE SET seen_at = now(),
         activity = CASE WHEN $3::text IS NOT NULL THEN $3
                         WHEN ticket_presence.activity = 'replying' AND ticket_presence.seen_at > now() - make_interval(secs => ${PRESENCE_TTL_SECONDS}) THEN 'replying'
                         ELSE 'viewing' END
       WHERE $3::text IS NOT NULL OR ticket_presence.seen_at < now() - interval '5 seconds'`,
      [ticketId, userId, activity ?? null],
    );
  }

  async leave(ticketId: string, userId: string): Promise<void> {
    await this.query(`WITH gone AS (DELETE FROM ticket_presence WHERE ticket_id = $1 AND user_id = $2 RETURNING 1) SELECT 1 FROM gone`, [ticketId, userId]);
  }

  /** Everyone else with the ticket open recently, by name. */
  others(ticketId: string, userId: string): Promise<Present[]> {
    return this.query(
      `SELECT p.user_id AS "userId", u.display_name AS name, p.activity FROM ticket_presence p JOIN users u ON u.id = p.user_id
        WHERE p.ticket_id = $1 AND p.user_id <> $2 AND p.seen_at > now() - make_interval(secs => ${PRESENCE_TTL_SECONDS})
        ORDER BY lower(u.display_name) LIMIT 20`,
      [ticketId, userId],
    );
  }

  /** What a watcher compares to notice someone else's change. */
  async state(ticketId: string): Promise<{ version: number; updatedAt: string; status: string; assigneeId: string | null } | null> {
    const [row] = await this.query<{ version: number; updatedAt: string; status: string; assigneeId: string | null }>(
      `SELECT version, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "updatedAt", status, assignee_id AS "assigneeId" FROM tickets WHERE id = $1`,
      [ticketId],
    );
    return row ?? null;
  }

  /** Heartbeats nobody renewed: cleared now and then so the table stays the size of who is online. */
  async sweep(): Promise<void> {
    await this.query(`WITH gone AS (DELETE FROM ticket_presence WHERE seen_at < now() - interval '5 minutes' RETURNING 1) SELECT 1 FROM gone`);
  }
}
