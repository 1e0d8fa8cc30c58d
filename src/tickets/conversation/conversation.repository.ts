import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';

export interface ReplyTemplateRow {
  id: string;
  name: string;
  body: string;
  shared: boolean;
  ownerId: string | null;
  ownerName: string | null;
}

/** Mentions, reply templates and signatures. */
@Injectable()
export class ConversationRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  /** Active people with these logins (any case) and their roles, to decide who may be mentioned. */
  people(logins: readonly string[]): Promise<Array<{ id: string; username: string; roles: string[] }>> {
    if (logins.length === 0) return Promise.resolve([]);
    return this.query(`SELECT id, username, roles FROM users WHERE lower(username) = ANY ($1::text[]) AND active`, [logins]);
  }

  async addMentions(ticketId: string, messageId: string, userIds: readonly string[], by: string): Promise<void> {
    if (userIds.length === 0) return;
    await this.query(`INSERT INTO ticket_mentions (ticket_id, message_id, user_id, mentioned_by) SELECT $1, $2, u, $4 FROM unnest($3::uuid[]) u`, [ticketId, messageId, userIds, by]);
  }

  async markRead(ticketId: string, userId: string): Promise<void> {
    await this.query(`WITH read AS (UPDATE ticket_mentions SET read_at = now() WHERE ticket_id = $1 AND user_id = $2 AND read_at IS NULL RETURNING 1) SELECT 1 FROM read`, [ticketId, userId]);
  }

  /** A person's own templates and everyone's shared ones, by name. */
  templates(userId: string): Promise<ReplyTemplateRow[]> {
    return this.query(
      `SELECT r.id, r.name, r.body, r.shared, r.owner_id AS "ownerId", u.display_name AS "ownerName"
         FROM reply_templates r LEFT JOIN users u ON u.id = r.owner_id
        WHERE r.owner_id = $1 OR r.shared ORDER BY lower(r.name), r.id LIMIT 500`,
      [userId],
    );
  }

  async insertTemplate(row: { name: string; body: string; shared: boolean; ownerId: string }): Promise<void> {
    await this.query(`INSERT INTO reply_templates (name, body, shared, owner_id) VALUES ($1, $2, $3, $4)`, [row.name, row.body, row.shared, row.ownerId]);
  }

  /** Removes a template its owner (or, when `anyOwner`, an administrator) removes; false if none. */
  async removeTemplate(id: string, userId: string, anyOwner: boolean): Promise<boolean> {
    const rows = await this.query(`WITH gone AS (DELETE FROM reply_templates WHERE id = $1 AND ($3 OR owner_id = $2) RETURNING 1) SELECT 1 FROM gone`, [id, userId, anyOwner]);
    return rows.length > 0;
  }

  async signature(userId: string): Promise<string> {
    const [row] = await this.query<{ signature: string }>(`SELECT signature FROM user_signatures WHERE user_id = $1`, [userId]);
    return row?.signature ?? '';
  }

  async setSignature(userId: string, signature: string): Promise<void> {
    if (!signature) {
      await this.query(`WITH gone AS (DELETE FROM user_signatures WHERE user_id = $1 RETURNING 1) SELECT 1 FROM gone`, [userId]);
      return;
    }
    await this.query(`INSERT INTO user_signatures (user_id, signature) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET signature = EXCLUDED.signature`, [userId, signature]);
  }
}
