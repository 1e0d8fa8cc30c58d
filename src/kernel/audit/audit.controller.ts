import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../i18n/i18n.service';
import { RequirePermission } from '../security/permissions';
import { DomainError } from '../web/domain-error';
import { PageService } from '../web/page.service';
import { checkAuditQuery } from './audit.dto';
import { type AuditPage, AuditService } from './audit.service';
import { auditRow, eventChoices } from './audit.view';

/** The audit log page: filters, newest-first rows, and a link to older ones (keyset, no total). */
@Controller('admin/audit')
export class AuditController {
  constructor(
    private readonly audit: AuditService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.audit.view')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const actor = req.actor!;
    const lang = req.lang;
    const timeZone = actor.timeZone ?? 'UTC';
    const { query, values, errors } = await checkAuditQuery(raw);
    let page: AuditPage | undefined;
    let refusal: string | undefined;
    if (Object.keys(errors).length === 0) {
      try {
        page = await this.audit.page(actor, this.audit.filtersFromForm(query, timeZone), query.cursor);
      } catch (error) {
        if (!(error instanceof DomainError) || error.status !== 400) throw error;
        refusal = error.i18nKey;
      }
    }
    const fieldErrors = Object.fromEntries(Object.entries(errors).map(([field, key]) => [field, this.i18n.t(lang, key)]));
    const formError = refusal ?? (errors.cursor ? errors.cursor : Object.keys(errors).length ? 'errors.invalid_form' : undefined);
    if (!page) res.status(400);
    const filters = new URLSearchParams(
      Object.entries({ event: query.event, user: query.user, ip: query.ip, from: query.from, to: query.to }).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== '',
      ),
    );
    const older = page?.nextCursor ? `/admin/audit?${new URLSearchParams([...filters, ['cursor', page.nextCursor]])}` : null;
    const model = await this.pages.model(
      req,
      { titleKey: 'audit.title', form: { values, errors: fieldErrors, error: formError && this.i18n.t(lang, formError) } },
      {
        eventGroups: eventChoices(this.i18n, lang, values.event),
        rows: page?.rows.map((row) => auditRow(this.i18n, lang, row)) ?? [],
        shown: page !== undefined,
        filtered: filters.size > 0,
        paged: Boolean(query.cursor) && page !== undefined,
        older,
        newest: `/admin/audit${filters.size ? `?${filters}` : ''}`,
      },
    );
    res.render('admin/audit', model);
  }
}
