import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';

export type TransferKind = 'transfer' | 'escalation' | 'owner' | 'contractor';

export interface TransferRow {
  kind: TransferKind;
  fromGroup: string | null;
  toGroup: string | null;
  toUser: string | null;
  contractor: string | null;
  contractRef: string | null;
  reason: string;
  actorName: string | null;
  at: Date;
}

export interface WorkEntry {
  id: string;
  userName: string | null;
  minutes: number;
  workedOn: string;
  note: string;
}

/** The transfer chain and the work log of tickets. Callers have checked visibility and rights. */
@Injectable()
export class TicketWorkRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  async addTransfer(row: { ticketId: string; kind: TransferKind; fromGroupId: string | null; toGroupId: string | null; toUserId: string | null; contractor?: string; contractRef?: string; reason: string; actorId: string }): Promise<void> {
    await this.query(
      `INSERT INTO ticket_transfers (ticket_id, kind, from_group_id, to_group_id, to_user_id, contractor, contract_ref, reason, actor_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.ticketId, row.kind, row.fromGroupId, row.toGroupId, row.toUserId, row.contractor ?? null, row.contractRef ?? null, row.reason, row.actorId],
    );
  }

  chain(ticketId: string): Promise<TransferRow[]> {
    return this.query(
      `SELECT x.kind, f.name AS "fromGroup", g.name AS "toGroup", u.display_name AS "toUser", x.contractor, x.contract_ref AS "contractRef", x.reason, a.display_name AS "actorName", x.at
         FROM ticket_transfers x LEFT JOIN work_groups f ON f.id = x.from_group_id LEFT JOIN work_groups g ON g.id = x.to_group_id
         LEFT JOIN users u ON u.id = x.to_user_id LEFT JOIN users a ON a.id = x.actor_id
        WHERE x.ticket_id = $1 ORDER BY x.id LIMIT 200`,
      [ticketId],
    );
  }

  async addWork(row: { ticketId: string; userId: string; minutes: number; workedOn: string; note: string }): Promise<void> {
    await this.query(`INSERT INTO ticket_work_log (ticket_id, user_id, minutes, worked_on, note) VALUES ($1, $2, $3, $4, $5)`, [row.ticketId, row.userId, row.minutes, row.workedOn, row.note]);
  }

  work(ticketId: string): Promise<WorkEntry[]> {
    return this.query(
      `SELECT w.id, u.display_name AS "userName", w.minutes, to_char(w.worked_on, 'YYYY-MM-DD') AS "workedOn", w.note
         FROM ticket_work_log w LEFT JOIN users u ON u.id = w.user_id WHERE w.ticket_id = $1 ORDER BY w.worked_on, w.created_at LIMIT 500`,
      [ticketId],
    );
  }

  /** Time per person on the ticket, most first. */
  totals(ticketId: string): Promise<Array<{ userName: string | null; minutes: number }>> {
    return this.query(
      `SELECT u.display_name AS "userName", sum(w.minutes)::int AS minutes FROM ticket_work_log w LEFT JOIN users u ON u.id = w.user_id
        WHERE w.ticket_id = $1 GROUP BY u.display_name ORDER BY minutes DESC LIMIT 100`,
      [ticketId],
    );
  }

  /** The first status of the pending category the ticket may move to from `status`, if any. */
  async pendingFrom(status: string): Promise<string | null> {
    const [row] = await this.query<{ key: string }>(
      `SELECT s.key FROM ticket_transitions t JOIN ticket_statuses s ON s.key = t.to_status WHERE t.from_status = $1 AND s.category = 'pending' ORDER BY s.position LIMIT 1`,
      [status],
    );
    return row?.key ?? null;
  }

  /** The owner of a service (for escalation to them). */
  async serviceOwner(serviceId: string): Promise<string | null> {
    const [row] = await this.query<{ ownerId: string | null }>(`SELECT s.owner_id AS "ownerId" FROM services s JOIN users u ON u.id = s.owner_id AND u.active WHERE s.id = $1`, [serviceId]);
    return row?.ownerId ?? null;
  }
}
