import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { PluginContext } from '../../../src/plugin-api';
import { PLUGIN } from './plugin-name';
import { WelcomeNoteService } from './welcome-note.service';

const HOURLY = 60 * 60_000;

/**
 * Deletes counts nobody has added to within the retention period. The scheduler runs it whether
 * the plugin is enabled or not, so it asks first; every node may run it (the DELETE is idempotent).
 */
@Injectable()
export class WelcomeNotePruneJob {
  private readonly log = new Logger(PLUGIN);

  constructor(
    private readonly plugin: PluginContext,
    private readonly notes: WelcomeNoteService,
  ) {}

  @Interval(HOURLY)
  async run(): Promise<number> {
    if (!this.plugin.isActive(PLUGIN)) return 0;
    try {
      return await this.notes.prune();
    } catch (error) {
      this.log.warn(`could not prune sign-in counts: ${(error as Error).message}`);
      return 0;
    }
  }
}
