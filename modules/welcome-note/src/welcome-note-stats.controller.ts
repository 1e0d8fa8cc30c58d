import { Controller, Get } from '@nestjs/common';
import { RequirePermission } from '../../../src/plugin-api';
import { WelcomeNoteService } from './welcome-note.service';

/** JSON totals; like every plugin route, it answers 404 while the plugin is disabled. */
@Controller('plugins/welcome-note')
export class WelcomeNoteStatsController {
  constructor(private readonly notes: WelcomeNoteService) {}

  @Get('stats')
  @RequirePermission('dashboard.view')
  stats() {
    return this.notes.stats();
  }
}
