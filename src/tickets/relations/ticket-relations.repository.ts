import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { visibilityCondition, type VisibilityScope } from '../../identity/visibility/visibility-scope';

export type LinkKind = 'related' | 'split' | 'merged';

export interface LinkedTicket {
  id: string;
  ref: string;
  subject: string;
  status: string;
  kind: LinkKind;
}

const REF_SQL = `CASE o.type WHEN 'incident' THEN 'INC' WHEN 'service_request' THEN 'REQ' WHEN 'information_request' THEN 'INF' ELSE 'DOC' END || '-' || o.number`;

/** Links between tickets and the moves a merge makes. Callers have checked visibility and rights. */
@Injectable()
export class TicketRelationsRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  /** Links in either direction, to tickets the actor may see (the others are not mentioned). */
  linked(scope: VisibilityScope, ticketId: string): Promise<LinkedTicket[]> {
    const params: unknown[] = [ticketId];
    const visible = visibilityCondition(scope, { requester: 'o.requester_id', assignee: 'o.assignee_id', group: 'o.group_id', organisation: 'o.organisation_id' }, (value) => `$${params.push(value)}`);
    return this.query(
      `SELECT o.id, ${REF_SQL} AS ref, o.subject, o.status, l.kind
         FROM ticket_links l JOIN tickets o ON o.id = CASE WHEN l.ticket_id = $1 THEN l.linked_id ELSE l.ticket_id END
        WHERE (l.ticket_id = $1 OR l.linked_id = $1) AND o.deleted_at IS NULL AND ${visible}
        ORDER BY l.created_at LIMIT 200`,
      params,
    );
  }

  /** Adds the link unless the pair is linked already (either way round); true when added. */
  async link(ticketId: string, linkedId: string, kind: LinkKind, actorId: string): Promise<boolean> {
    const rows = await this.query(
      `INSERT INTO ticket_links (ticket_id, linked_id, kind, created_by)
       SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM ticket_links WHERE ticket_id = $2 AND linked_id = $1)
       ON CONFLICT DO NOTHING RETURNING ticket_id`,
      [ticketId, linkedId, kind, actorId],
    );
    return rows.length > 0;
  }

  async unlink(ticketId: string, linkedId: string): Promise<boolean> {
    const rows = await this.query(
      `WITH gone AS (DELETE FROM ticket_links WHERE kind = 'related' AND ((ticket_id = $1 AND linked_id = $2) OR (ticket_id = $2 AND linked_id = $1)) RETURNING 1) SELECT 1 FROM gone`,
      [ticketId, linkedId],
    );
    return rows.length > 0;
  }

  /** Moves the conversation and files of `fromId` to `toId`; returns how many messages moved. */
  async moveConversation(fromId: string, toId: string): Promise<number> {
    const moved = await this.query(`WITH moved AS (UPDATE ticket_messages SET ticket_id = $2 WHERE ticket_id = $1 RETURNING 1) SELECT 1 FROM moved`, [fromId, toId]);
    await this.query(`WITH moved AS (UPDATE ticket_attachments SET ticket_id = $2 WHERE ticket_id = $1 RETURNING 1) SELECT 1 FROM moved`, [fromId, toId]);
    return moved.length;
  }

  /** The merged ticket's watchers, and its requester, come to watch the ticket it was merged into. */
  async carryWatchers(fromId: string, toId: string): Promise<void> {
    await this.query(
      `INSERT INTO ticket_watchers (ticket_id, user_id)
       SELECT $2, user_id FROM ticket_watchers WHERE ticket_id = $1
       UNION SELECT $2, f.requester_id FROM tickets f JOIN tickets t ON t.id = $2 WHERE f.id = $1 AND f.requester_id <> t.requester_id
       ON CONFLICT DO NOTHING`,
      [fromId, toId],
    );
  }

  /** The first status of the closed category: where a merged ticket goes. */
  async closedStatus(): Promise<string> {
    const [row] = await this.query<{ key: string }>(`SELECT key FROM ticket_statuses WHERE category = 'closed' ORDER BY position LIMIT 1`);
    return row!.key;
  }

  async message(ticketId: string, messageId: string): Promise<{ id: string; kind: 'reply' | 'note'; bodyHtml: string } | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(messageId)) return null;
    const [row] = await this.query<{ id: string; kind: 'reply' | 'note'; bodyHtml: string }>(`SELECT id, kind, body_html AS "bodyHtml" FROM ticket_messages WHERE ticket_id = $1 AND id = $2`, [ticketId, messageId]);
    return row ?? null;
  }
}
