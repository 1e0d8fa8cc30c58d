import { Controller, Get, Render, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';

/** The landing page after sign-in. Widgets come with the reports area; plugins fill its slot. */
@Controller()
export class DashboardController {
  constructor(private readonly pages: PageService) {}

  @Get()
  @RequirePermission('dashboard.view')
  @Render('reports/dashboard')
  dashboard(@Req() req: Request) {
    return this.pages.model(req, { titleKey: 'dashboard.title', slots: ['dashboard_main'] });
  }
}
