import { Injectable } from '@nestjs/common';
import { PluginSettings, UnitOfWork, ViewEngineHolder, type SlotContext } from '../../../src/plugin-api';
import { PLUGIN, type WelcomeNoteSettings } from './plugin-name';
import { SignInCountRepository } from './sign-in-count.repository';

/** The plugin's rules: count sign-ins, build the dashboard note, prune old counts. */
@Injectable()
export class WelcomeNoteService {
  constructor(
    private readonly counts: SignInCountRepository,
    private readonly settings: PluginSettings,
    private readonly uow: UnitOfWork,
    private readonly views: ViewEngineHolder,
  ) {}

  private get current(): WelcomeNoteSettings {
    return this.settings.get<WelcomeNoteSettings>(PLUGIN);
  }

  /** Runs from the `user.signed_in` action, after the sign-in committed: its own transaction. */
  async recordSignIn(userId: string): Promise<void> {
    await this.uow.transaction(() => this.counts.increment(userId));
  }

  /** The `web.slot.dashboard_main` filter: appends the note to what other plugins put there. */
  async dashboardNote(html: string, context: SlotContext): Promise<string> {
    const settings = this.current;
    if (!settings.showOnDashboard || !context.userId) return html;
    const count = await this.counts.countFor(context.userId);
    // The partial escapes the message: an admin's setting is text, not HTML.
    const note = this.views.engine.renderPartial(`${PLUGIN}/note`, { lang: context.locale, message: settings.message, count });
    return html + note;
  }

  stats(): Promise<{ people: number; signIns: number }> {
    return this.counts.totals();
  }

  prune(): Promise<number> {
    return this.counts.pruneOlderThan(this.current.retentionDays);
  }
}
