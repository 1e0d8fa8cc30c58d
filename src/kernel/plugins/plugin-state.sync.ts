import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { DatabaseService } from '../database/database.service';
import { PluginRegistry } from './plugin-registry.service';

const EVERY_15_SECONDS = 15_000;

/**
 * Re-reads the enabled flags and settings now and then. A change made on this node applies at
 * once; this carries changes made on other nodes sharing the database (or by the CLI, when it
 * opens PostgreSQL itself) here within seconds, still without a restart.
 */
@Injectable()
export class PluginStateSync {
  private readonly log = new Logger('Plugins');

  constructor(
    private readonly registry: PluginRegistry,
    private readonly database: DatabaseService,
  ) {}

  @Interval(EVERY_15_SECONDS)
  async sync(): Promise<void> {
    if (this.database.state !== 'ready') return;
    try {
      await this.registry.refresh();
    } catch (error) {
      this.log.warn(`could not re-read plugin states: ${(error as Error).message}`);
    }
  }
}
