import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { AbsenceKind, AbsencePeriod } from './absence-rules';

export interface AbsenceRow {
  id: string;
  userId: string;
  kind: AbsenceKind;
  startsAt: Date;
  endsAt: Date;
  note: string;
  substituteId: string | null;
  substituteUsername: string | null;
  substituteDisplayName: string | null;
}

const COLUMNS = `a.id, a.user_id AS "userId", a.kind, a.starts_at AS "startsAt", a.ends_at AS "endsAt", a.note,
  a.substitute_id AS "substituteId", s.username AS "substituteUsername", s.display_name AS "substituteDisplayName"`;

/** The only place that queries absences. */
@Injectable()
export class AbsenceRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[]): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  /** A person's absences that have not ended, soonest first, then the last few past ones. */
  listOf(userId: string, limit: number): Promise<AbsenceRow[]> {
    return this.query(
      `SELECT ${COLUMNS} FROM user_absences a LEFT JOIN users s ON s.id = a.substitute_id
        WHERE a.user_id = $1 ORDER BY a.ends_at <= now(), CASE WHEN a.ends_at > now() THEN a.starts_at END, a.starts_at DESC LIMIT $2`,
      [userId, limit],
    );
  }

  /** An absence of this person that shares time with the period, if any. */
  async overlapping(userId: string, period: { startsAt: Date; endsAt: Date }): Promise<string | null> {
    const rows = await this.query<{ id: string }>(
      `SELECT id FROM user_absences WHERE user_id = $1 AND starts_at < $3 AND ends_at > $2 LIMIT 1`,
      [userId, period.startsAt, period.endsAt],
    );
    return rows[0]?.id ?? null;
  }

  async insert(userId: string, period: AbsencePeriod, substituteId: string | null, createdBy: string): Promise<string> {
    const [{ id }] = await this.query<{ id: string }>(
      `INSERT INTO user_absences (user_id, kind, starts_at, ends_at, note, substitute_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [userId, period.kind, period.startsAt, period.endsAt, period.note, substituteId, createdBy],
    );
    return id;
  }

  /** Deletes one absence of this person; false when there is no such one. */
  async delete(userId: string, absenceId: string): Promise<boolean> {
    // Through a CTE: TypeORM hands back DELETE … RETURNING as [rows, count], a SELECT as rows.
    const gone = await this.query(`WITH gone AS (DELETE FROM user_absences WHERE id = $1 AND user_id = $2 RETURNING id) SELECT id FROM gone`, [absenceId, userId]);
    return gone.length > 0;
  }

  /** Of these people, those away at `at`, with their substitute (one query whatever the count). */
  absentAt(userIds: readonly string[], at: Date): Promise<Array<{ userId: string; substituteId: string | null }>> {
    return this.query(
      `SELECT DISTINCT ON (user_id) user_id AS "userId", substitute_id AS "substituteId" FROM user_absences
        WHERE user_id = ANY ($1::uuid[]) AND starts_at <= $2 AND ends_at > $2 ORDER BY user_id, starts_at DESC`,
      [userIds, at],
    );
  }

  /** Whether `leadId` leads a work group that `userId` belongs to. */
  async leads(leadId: string, userId: string): Promise<boolean> {
    const rows = await this.query(
      `SELECT 1 FROM work_groups g JOIN work_group_members m ON m.group_id = g.id WHERE g.lead_id = $1 AND m.user_id = $2 LIMIT 1`,
      [leadId, userId],
    );
    return rows.length > 0;
  }
}
