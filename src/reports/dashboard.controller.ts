import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { actorCan, RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';

/** The landing page after sign-in. Widgets come with the reports area; plugins fill its slot. */
@Controller()
export class DashboardController {
  constructor(private readonly pages: PageService) {}

  /** Requesters have no workspace: their landing page is the self-service portal. */
  @Get()
  @RequirePermission('dashboard.view')
  async dashboard(@Req() req: Request, @Res() res: Response) {
    if (!actorCan(req.actor!, 'tickets.work') && actorCan(req.actor!, 'tickets.create')) return res.redirect(303, '/portal');
    res.render('reports/dashboard', await this.pages.model(req, { titleKey: 'dashboard.title', slots: ['dashboard_main'] }));
  }
}
