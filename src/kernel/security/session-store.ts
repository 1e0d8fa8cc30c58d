import { Injectable } from '@nestjs/common';
import session from 'express-session';
import { ConfigService } from '../config/config.service';
import { DataSourceProvider } from '../database/unit-of-work';

type Callback<T = void> = (error?: unknown, value?: T) => void;

/** Session data as Opora keeps it. */
declare module 'express-session' {
  interface SessionData {
    userId: string;
    /** When the user signed in (ms since epoch), for the absolute timeout. */
    signedInAt: number;
    flash: Array<{ kind: 'info' | 'success' | 'error'; key: string; vars?: Record<string, string | number> }>;
  }
}

/**
 * express-session store over the `sessions` table. Written for Opora rather than taken from
 * connect-pg-simple because the table carries the user id (so "sign out everywhere" is one
 * DELETE) and because it must reach the database through the same provider as everything else,
 * which may become available only after the web server has started.
 */
@Injectable()
export class PostgresSessionStore extends session.Store {
  private readonly idleMs: number;

  constructor(
    private readonly db: DataSourceProvider,
    config: ConfigService,
  ) {
    super();
    this.idleMs = config.get('session.idle_minutes') * 60_000;
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.run(callback, async () => {
      const rows = await this.db.dataSource.query(`SELECT data FROM sessions WHERE sid = $1 AND expires_at > now()`, [sid]);
      return rows[0]?.data ?? null;
    });
  }

  override set(sid: string, data: session.SessionData, callback?: Callback): void {
    this.run(callback, async () => {
      await this.db.dataSource.query(
        `INSERT INTO sessions (sid, user_id, data, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sid) DO UPDATE SET user_id = EXCLUDED.user_id, data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
        [sid, data.userId ?? null, JSON.stringify(data), this.expiry(data)],
      );
    });
  }

  override touch(sid: string, data: session.SessionData, callback?: Callback): void {
    this.run(callback, async () => {
      await this.db.dataSource.query(`UPDATE sessions SET expires_at = $2 WHERE sid = $1`, [sid, this.expiry(data)]);
    });
  }

  override destroy(sid: string, callback?: Callback): void {
    this.run(callback, async () => {
      await this.db.dataSource.query(`DELETE FROM sessions WHERE sid = $1`, [sid]);
    });
  }

  /** Ends every session of one user ("sign out everywhere", deactivation). */
  async destroyAllOf(userId: string): Promise<void> {
    await this.db.dataSource.query(`DELETE FROM sessions WHERE user_id = $1`, [userId]);
  }

  /** Deletes expired rows; called by a scheduled job. */
  async prune(): Promise<number> {
    const [, count] = await this.db.dataSource.query(`DELETE FROM sessions WHERE expires_at <= now()`);
    return Number(count ?? 0);
  }

  private expiry(data: session.SessionData): Date {
    const cookieExpiry = data.cookie?.expires ? new Date(data.cookie.expires) : undefined;
    return cookieExpiry ?? new Date(Date.now() + this.idleMs);
  }

  private run<T>(callback: Callback<T> | undefined, work: () => Promise<T>): void {
    work().then(
      (value) => callback?.(undefined, value),
      (error) => callback?.(error),
    );
  }
}
