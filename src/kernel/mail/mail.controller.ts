import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../security/permissions';
import { PageService } from '../web/page.service';
import { OUTBOX_STATUSES } from './outbox.repository';
import { MailAdminService } from './mail-admin.service';

/** Administration → Mail: the outbox as a delivery log, with "send again" for failed messages. */
@Controller('admin/mail')
export class MailController {
  constructor(
    private readonly mail: MailAdminService,
    private readonly pages: PageService,
  ) {}

  @Get()
  @RequirePermission('admin.mail.manage')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const status = typeof raw.status === 'string' ? raw.status : '';
    const cursor = typeof raw.cursor === 'string' ? raw.cursor : undefined;
    const page = await this.mail.page({ status, cursor });
    const query = (extra: Record<string, string>) => `/admin/mail?${new URLSearchParams({ ...(status ? { status } : {}), ...extra })}`;
    const model = await this.pages.model(req, { titleKey: 'mail.title' }, {
      rows: page.rows,
      statuses: OUTBOX_STATUSES.map((name) => ({ name, selected: name === status })),
      next: page.next ? query({ cursor: page.next }) : null,
      first: cursor ? query({}) : null,
    });
    res.render('admin/mail', model);
  }

  @Post(':id/retry')
  @RequirePermission('admin.mail.manage')
  async retry(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.mail.retry(id);
    this.pages.flash(req, 'success', 'mail.retried');
    res.redirect(303, '/admin/mail');
  }
}
