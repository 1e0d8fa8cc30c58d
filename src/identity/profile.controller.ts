import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../kernel/i18n/i18n.service';
import { RequirePermission } from '../kernel/security/permissions';
import { DomainError } from '../kernel/web/domain-error';
import { PageService } from '../kernel/web/page.service';
import { ProfileDto } from './profile.dto';
import { ABSENCE_KINDS } from './users/absence-rules';
import { AbsenceService } from './users/absence.service';
import { AbsenceDto } from './users/people.dto';
import { firstMessage, refusalMessages } from './organisations/form-input';
import { knownTimeZones, ProfileService } from './profile.service';

/** "My profile": the signed-in person's language and time zone, and "sign out everywhere". */
@Controller('profile')
export class ProfileController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
    private readonly absences: AbsenceService,
  ) {}

  @Get()
  @RequirePermission('profile.edit')
  async show(@Req() req: Request, @Res() res: Response) {
    const actor = req.actor!;
    await this.render(req, res, { locale: actor.locale ?? req.lang, timeZone: actor.timeZone ?? 'UTC' });
  }

  @Post()
  @RequirePermission('profile.edit')
  async save(@Req() req: Request, @Res() res: Response, @Body() body: ProfileDto) {
    try {
      await this.profiles.savePreferences(req.actor!, body.locale, body.timeZone);
      this.pages.flash(req, 'success', 'profile.saved');
      res.redirect(303, '/profile');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      await this.render(req, res, { locale: body.locale, timeZone: body.timeZone }, { timeZone: this.i18n.t(req.lang, error.i18nKey) });
    }
  }

  @Post('absences')
  @RequirePermission('profile.edit')
  async addAbsence(@Req() req: Request, @Res() res: Response, @Body() body: AbsenceDto) {
    try {
      await this.absences.add(req.actor!, req.actor!.id, body);
      this.pages.flash(req, 'success', 'absences.added');
      res.redirect(303, '/profile#absences');
    } catch (error) {
      if (!(error instanceof DomainError) || error.status === 404) throw error;
      res.status(error.status);
      const actor = req.actor!;
      await this.render(req, res, { locale: actor.locale ?? req.lang, timeZone: actor.timeZone ?? 'UTC' }, {}, {
        values: { ...body },
        error: firstMessage(refusalMessages(this.i18n, req.lang, error)),
      });
    }
  }

  @Post('absences/:absenceId/remove')
  @RequirePermission('profile.edit')
  async removeAbsence(@Req() req: Request, @Res() res: Response, @Param('absenceId') absenceId: string) {
    await this.absences.remove(req.actor!, req.actor!.id, absenceId);
    this.pages.flash(req, 'success', 'absences.removed');
    res.redirect(303, '/profile#absences');
  }

  @Post('sign-out-everywhere')
  @RequirePermission('profile.edit')
  async signOutEverywhere(@Req() req: Request, @Res() res: Response) {
    await this.profiles.signOutEverywhere(req.actor!);
    res.redirect(303, '/login');
  }

  private async render(
    req: Request,
    res: Response,
    values: { locale: string; timeZone: string },
    errors: Record<string, string> = {},
    absenceForm: { values: Record<string, unknown>; error?: string } = { values: {} },
  ) {
    const absences = await this.absences.list(req.actor!, req.actor!.id);
    const model = await this.pages.model(req, { titleKey: 'profile.title', form: { values, errors } }, {
      absences: absences.map((absence) => ({ ...absence, lastDay: new Date(absence.endsAt.getTime() - 1) })),
      absenceKinds: ABSENCE_KINDS.map((kind) => ({ kind, selected: kind === absenceForm.values.kind })),
      absenceForm,
      absencesPath: '/profile/absences',
      timeZones: knownTimeZones().map((zone) => ({ zone, selected: zone === values.timeZone })),
      locales: this.i18n.languages().map((code) => ({ code, label: this.i18n.t(code, 'language.name'), selected: code === values.locale })),
    });
    res.render('identity/profile', model);
  }
}
