import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../security/permissions';
import { PageService } from '../web/page.service';
import { OUTBOX_STATUSES } from './outbox.repository';
import { MailAdminService } from './mail-admin.service';
import { MailTemplates } from './mail-templates';
import { ConfigService } from '../config/config.service';
import { isLanguage, LANGUAGES } from '../i18n/languages';

/** Values every template may use, filled with a plausible example for the preview. */
function sampleMailValues(appUrl: string): Record<string, unknown> {
  const link = new URL('/tickets/INC-42', appUrl).href;
  return {
    name: 'Olga Petrova',
    login: 'olga',
    ref: 'INC-42',
    subject: 'Printer on the 3rd floor does not print',
    link,
    author: 'Ivan (Service desk)',
    reply: 'Please restart the printer and try again.',
    requester: 'Olga Petrova',
    reason: 'It still does not print.',
    resolution: 'The print queue was cleared.',
    scores: [5, 4, 3, 2, 1].map((score) => ({ score, link: `${link}?score=${score}` })),
    rejectLink: `${link}?reject=1`,
    days: 14,
    minutes: 30,
    organisation: 'Northwind Ltd',
    headline: 'notifications.mail.assigned',
    actor: 'Ivan (Service desk)',
    excerpt: 'Please restart the printer and try again.',
    status: 'in_progress',
  };
}

/**
 * Administration → Mail: the outbox as a delivery log, with "send again" for failed messages, and
 * a preview of every mail template in every language.
 */
@Controller('admin/mail')
export class MailController {
  constructor(
    private readonly mail: MailAdminService,
    private readonly pages: PageService,
    private readonly templates: MailTemplates,
    private readonly config: ConfigService,
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

  /** Every mail template rendered in any language with sample values, before anyone receives it. */
  @Get('templates')
  @RequirePermission('admin.mail.manage')
  async previewTemplates(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const names = this.templates.names();
    const name = typeof raw.name === 'string' && names.includes(raw.name) ? raw.name : (names[0] ?? '');
    const lang = isLanguage(raw.lang) ? raw.lang : req.lang;
    const preview = name ? this.templates.render(name, lang, sampleMailValues(this.config.get('app_url'))) : null;
    const model = await this.pages.model(req, { titleKey: 'mail.templates_title' }, {
      names: names.map((candidate) => ({ name: candidate, selected: candidate === name })),
      languages: LANGUAGES.map((code) => ({ code, selected: code === lang })),
      preview,
    });
    res.render('admin/mail-templates', model);
  }

  @Post(':id/retry')
  @RequirePermission('admin.mail.manage')
  async retry(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.mail.retry(id);
    this.pages.flash(req, 'success', 'mail.retried');
    res.redirect(303, '/admin/mail');
  }
}
