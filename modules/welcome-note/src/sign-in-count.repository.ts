import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../../src/plugin-api';
import { SignInCount } from './sign-in-count.entity';

/** The only place that queries welcome_note_sign_ins; it takes its handle from the unit of work. */
@Injectable()
export class SignInCountRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** One more sign-in for `userId`: a single upsert, so two sign-ins at once both count. */
  async increment(userId: string): Promise<void> {
    await this.uow.manager().query(
      `INSERT INTO welcome_note_sign_ins (user_id, sign_ins, last_sign_in_at) VALUES ($1, 1, now())
       ON CONFLICT (user_id) DO UPDATE SET sign_ins = welcome_note_sign_ins.sign_ins + 1, last_sign_in_at = now()`,
      [userId],
    );
  }

  async countFor(userId: string): Promise<number> {
    const row = await this.uow.manager().getRepository(SignInCount).findOneBy({ userId });
    return row?.signIns ?? 0;
  }

  async totals(): Promise<{ people: number; signIns: number }> {
    const [row] = await this.uow.manager().query(`SELECT count(*)::int AS people, coalesce(sum(sign_ins), 0)::int AS "signIns" FROM welcome_note_sign_ins`);
    return { people: row.people, signIns: row.signIns };
  }

  /** Deletes counts of people whose last sign-in is older than `days`; returns how many. */
  async pruneOlderThan(days: number): Promise<number> {
    const [, affected] = await this.uow.manager().query(
      `DELETE FROM welcome_note_sign_ins WHERE last_sign_in_at < now() - make_interval(days => $1)`,
      [days],
    );
    return Number(affected ?? 0);
  }
}
