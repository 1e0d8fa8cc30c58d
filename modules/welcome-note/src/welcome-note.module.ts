import { Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HookBus } from '../../../src/plugin-api';
import { PLUGIN } from './plugin-name';
import { WelcomeNotePruneJob } from './prune.job';
import { SignInCountRepository } from './sign-in-count.repository';
import { WelcomeNoteStatsController } from './welcome-note-stats.controller';
import { WelcomeNoteService } from './welcome-note.service';

/**
 * Hooks in when the app starts and lets go when it stops. Every handler names the plugin, so the
 * bus skips it while an admin has the plugin disabled.
 */
@Module({
  controllers: [WelcomeNoteStatsController],
  providers: [SignInCountRepository, WelcomeNoteService, WelcomeNotePruneJob],
})
export class WelcomeNoteModule implements OnModuleInit, OnModuleDestroy {
  private readonly off: Array<() => void> = [];

  constructor(
    private readonly hooks: HookBus,
    private readonly notes: WelcomeNoteService,
  ) {}

  onModuleInit(): void {
    this.off.push(
      this.hooks.addAction('user.signed_in', ({ userId }) => this.notes.recordSignIn(userId), { plugin: PLUGIN }),
      this.hooks.addFilter('web.slot.dashboard_main', (html, context) => this.notes.dashboardNote(html, context), { plugin: PLUGIN }),
    );
  }

  onModuleDestroy(): void {
    for (const dispose of this.off.splice(0)) dispose();
  }
}
