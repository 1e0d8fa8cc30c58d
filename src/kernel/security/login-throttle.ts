import { Injectable } from '@nestjs/common';
import { RateLimiterPostgres } from 'rate-limiter-flexible';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { ConfigService } from '../config/config.service';
import { DataSourceProvider } from '../database/unit-of-work';

export type ThrottleVerdict = { blocked: false } | { blocked: true; retryAfterSeconds: number };

/**
 * Counts failed sign-ins per source address and per user name in the database (rate-limiter-flexible's
 * PostgreSQL store), so every app node sees the same counts. Either key over the limit refuses
 * sign-in until its window passes — also with the right password, or guessing would go on.
 */
@Injectable()
export class LoginThrottle {
  private limiter?: { source: DataSource; limiter: RateLimiterPostgres };

  constructor(
    private readonly db: DataSourceProvider,
    private readonly config: ConfigService,
  ) {}

  async check(ip: string, username: string): Promise<ThrottleVerdict> {
    const limiter = this.current();
    const max = this.config.get('security.login_max_attempts');
    const states = await Promise.all(this.keys(ip, username).map((key) => limiter.get(key)));
    const over = states.filter((state) => state && state.consumedPoints >= max);
    if (!over.length) return { blocked: false };
    const wait = Math.max(...over.map((state) => state!.msBeforeNext));
    return { blocked: true, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    const limiter = this.current();
    // consume() rejects once the points run out; the count is what matters here, not the rejection.
    await Promise.all(this.keys(ip, username).map((key) => limiter.consume(key).catch(() => undefined)));
  }

  /** A good sign-in clears the user name's count (not the address's: one address may guess many names). */
  async recordSuccess(username: string): Promise<void> {
    await this.current().delete(`user:${username.toLowerCase()}`);
  }

  private keys(ip: string, username: string): string[] {
    return [`ip:${ip}`, `user:${username.toLowerCase().slice(0, 200)}`];
  }

  private current(): RateLimiterPostgres {
    const source = this.db.dataSource;
    if (this.limiter?.source !== source) {
      this.limiter = {
        source,
        limiter: new RateLimiterPostgres({
          storeClient: (source.driver as PostgresDriver).master,
          tableName: 'login_throttle',
          tableCreated: true,
          clearExpiredByTimeout: false,
          keyPrefix: 'login',
          points: this.config.get('security.login_max_attempts'),
          duration: this.config.get('security.login_window_minutes') * 60,
        }),
      };
    }
    return this.limiter.limiter;
  }
}
