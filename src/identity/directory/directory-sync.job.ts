import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ConfigService } from '../../kernel/config/config.service';
import { DatabaseService } from '../../kernel/database/database.service';
import { DirectorySyncService, SYNC_JOB } from './directory-sync.service';

/**
 * Runs the directory sync every `ldap.sync_minutes` on every node (an interval in @nestjs/schedule's
 * registry, which clears it at shutdown; the period comes from config, so no decorator); the runner lets one node do it
 * per period. The period is a little shorter than the interval so a node's own timer drift does
 * not make it skip its turn.
 */
@Injectable()
export class DirectorySyncJob implements OnApplicationBootstrap {
  private readonly log = new Logger('Directories');
  constructor(
    private readonly sync: DirectorySyncService,
    private readonly config: ConfigService,
    private readonly database: DatabaseService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const minutes = this.config.get('ldap.sync_minutes');
    if (!minutes) return;
    const intervalMs = minutes * 60_000;
    const timer = setInterval(() => void this.tick(intervalMs * 0.9), intervalMs);
    timer.unref();
    this.scheduler.addInterval(SYNC_JOB, timer);
  }

  private async tick(periodMs: number): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      await this.sync.syncAll({ periodMs });
    } catch (error) {
      this.log.error(`directory sync failed: ${(error as Error).message}`);
    }
  }
}
