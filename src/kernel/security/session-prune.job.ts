import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DatabaseService } from '../database/database.service';
import { LoginThrottle } from './login-throttle';
import { PostgresSessionStore } from './session-store';

const EVERY_15_MINUTES = 15 * 60_000;

/**
 * Deletes expired sessions and passed sign-in throttle windows. Every node may run it: the DELETE is idempotent and indexed on
 * expires_at, so overlapping runs cost nothing but a second empty scan.
 */
@Injectable()
export class SessionPruneJob {
  private readonly log = new Logger('Sessions');

  constructor(
    private readonly store: PostgresSessionStore,
    private readonly database: DatabaseService,
    private readonly throttle: LoginThrottle,
  ) {}

  @Interval(EVERY_15_MINUTES)
  async prune(): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      await this.throttle.prune();
      const removed = await this.store.prune();
      if (removed) this.log.log(`removed ${removed} expired sessions`);
    } catch (error) {
      this.log.warn(`could not prune sessions: ${(error as Error).message}`);
    }
  }
}
