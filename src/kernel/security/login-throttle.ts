import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import { DataSourceProvider } from '../database/unit-of-work';

export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/**
 * Counts failed sign-ins per source address and per user name in the database, so every app node
 * sees the same counts. Either key over the limit refuses sign-in until its window passes — also
 * with the right password, or guessing would go on.
 *
 * Fixed windows in one table, with plain parameterised statements. (rate-limiter-flexible's
 * PostgreSQL store was tried first: its named prepared statements collide on the embedded
 * database, where every connection shares one backend session.)
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly db: DataSourceProvider,
    private readonly config: ConfigService,
  ) {}

  async check(ip: string, username: string): Promise<ThrottleVerdict> {
    const rows: Array<{ wait_ms: string }> = await this.db.dataSource.query(
      `SELECT expire - $3 AS wait_ms FROM login_throttle WHERE key = ANY($1) AND points >= $2 AND expire > $3`,
      [this.keys(ip, username), this.config.get('security.login_max_attempts'), Date.now()],
    );
    if (!rows.length) return { blocked: false };
    const wait = Math.max(...rows.map((row) => Number(row.wait_ms)));
    return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const now = Date.now();
    const windowEnd = now + this.config.get('security.login_window_minutes') * 60_000;
    // One statement per key: a window that has passed starts again at 1.
    await this.db.dataSource.query(
      `INSERT INTO login_throttle (key, points, expire) SELECT key, 1, $3 FROM unnest($1::text[]) AS key
       ON CONFLICT (key) DO UPDATE SET
         points = CASE WHEN login_throttle.expire > $2 THEN login_throttle.points + 1 ELSE 1 END,
         expire = CASE WHEN login_throttle.expire > $2 THEN login_throttle.expire ELSE $3 END`,
      [this.keys(ip, username), now, windowEnd],
    );
  }

  /** A good sign-in clears the user name's count (not the address's: one address may guess many names). */
  async recordSuccess(username: string): Promise<void> {
    await this.db.dataSource.query(`DELETE FROM login_throttle WHERE key = $1`, [this.userKey(username)]);
  }

  /** Removes windows that have passed; run with the session pruning. */
  async prune(): Promise<void> {
    await this.db.dataSource.query(`DELETE FROM login_throttle WHERE expire <= $1`, [Date.now()]);
  }

  private userKey(username: string): string {
    return `user:${username.toLowerCase().slice(0, 200)}`;
  }

  private keys(ip: string, username: string): string[] {
    return [`ip:${ip}`, this.userKey(username)];
  }
}
