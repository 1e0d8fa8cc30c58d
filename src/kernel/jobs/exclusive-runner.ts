import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { DatabaseService } from '../database/database.service';

export type ExclusiveOutcome<T> = { ran: true; result: T } | { ran: false; reason: 'busy' | 'not_due' };

export interface ExclusiveOptions {
  /**
   * For scheduled work: skip when any node started this job less than this long ago, so a job
   * scheduled on every node runs once per period, not once per node. Absent: run whenever free.
   */
  periodMs?: number;
}

/**
 * Runs a named job on one node at a time. Across nodes a PostgreSQL session-level advisory lock,
 * taken with try (a busy job is skipped, not queued), on a connection of its own held for the run;
 * on the embedded database one process owns the data and advisory locks exclude nothing there, so
 * the in-process guard is the lock. `job_runs` remembers when each job last started and how it
 * ended, which makes "once per period" hold across nodes and shows admins the last result.
 */
@Injectable()
export class ExclusiveRunner {
  private readonly running = new Set<string>();

  constructor(
    private readonly database: DatabaseService,
    private readonly config: ConfigService,
  ) {}

  async run<T>(name: string, work: () => Promise<T>, options: ExclusiveOptions = {}): Promise<ExclusiveOutcome<T>> {
    if (this.running.has(name)) return { ran: false, reason: 'busy' };
    this.running.add(name);
    try {
      return this.config.embedded ? await this.claimAndRun(name, work, options) : await this.underAdvisoryLock(name, () => this.claimAndRun(name, work, options));
    } finally {
      this.running.delete(name);
    }
  }

  private async underAdvisoryLock<T>(name: string, work: () => Promise<ExclusiveOutcome<T>>): Promise<ExclusiveOutcome<T>> {
    const runner = this.database.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [`job:${name}`]);
      if (!locked) return { ran: false, reason: 'busy' };
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [`job:${name}`]);
      }
    } finally {
      await runner.release();
    }
  }

  private async claimAndRun<T>(name: string, work: () => Promise<T>, options: ExclusiveOptions): Promise<ExclusiveOutcome<T>> {
    const db = this.database.dataSource;
    // Upsert that only claims when the period has passed: one statement, so no read-then-write gap.
    const claimed = await db.query(
      `INSERT INTO job_runs (name, last_started_at) VALUES ($1, now())
       ON CONFLICT (name) DO UPDATE SET last_started_at = now(), last_finished_at = NULL
       WHERE $2::bigint IS NULL OR job_runs.last_started_at <= now() - make_interval(secs => $2::bigint / 1000.0)
       RETURNING name`,
      [name, options.periodMs ?? null],
    );
    if (claimed.length === 0) return { ran: false, reason: 'not_due' };
    let outcome: { ok: boolean; message?: string } = { ok: false };
    try {
      const result = await work();
      outcome = { ok: true };
      return { ran: true, result };
    } catch (error) {
      outcome = { ok: false, message: (error as Error).message };
      throw error;
    } finally {
      await db.query(`UPDATE job_runs SET last_finished_at = now(), last_outcome = $2 WHERE name = $1`, [name, outcome]);
    }
  }
}
