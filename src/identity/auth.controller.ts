import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../kernel/security/permissions';
import { DomainError } from '../kernel/web/domain-error';
import { PageService } from '../kernel/web/page.service';
import { I18nService } from '../kernel/i18n/i18n.service';
import { AuthService } from './auth.service';
import { RegistrationService } from './requesters/registration.service';
import { SetupDto, SignInDto } from './auth.dto';
import { startSession } from './session-start';

/** Only same-site paths are followed after sign-in, so a link cannot bounce users elsewhere. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** Sign-in, sign-out and first-admin setup pages (thin: the rules live in AuthService). */
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
    private readonly registrations: RegistrationService,
  ) {}

  @Get('login')
  @Public()
  async loginPage(@Req() req: Request, @Res() res: Response, @Query('next') next?: string) {
    if (req.actor) return res.redirect(303, safeNext(next));
    await this.renderLogin(req, res, { values: { next } });
  }

  @Post('login')
  @Public()
  async login(@Req() req: Request, @Res() res: Response, @Body() body: SignInDto) {
    try {
      const actor = await this.auth.signIn(body.username, body.password, req.ip ?? 'unknown');
      await startSession(req, actor);
      res.redirect(303, safeNext(body.next));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      const form = { values: { username: body.username, next: body.next }, error: this.i18n.t(req.lang, error.i18nKey, error.vars) };
      await this.renderLogin(req, res, form);
    }
  }

  private async renderLogin(req: Request, res: Response, form: { values: Record<string, unknown>; error?: string }) {
    const registrationOpen = await this.registrations.isOpen();
    res.render('identity/login', { layout: 'bare', registrationOpen, ...(await this.pages.model(req, { titleKey: 'auth.sign_in', form })) });
  }

  @Post('logout')
  @Public()
  logout(@Req() req: Request, @Res() res: Response) {
    req.session.destroy(() => res.redirect(303, '/login'));
  }

  @Get('setup/:token')
  @Public()
  async setupPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string) {
    res.render('identity/setup', { layout: 'bare', token, ...(await this.pages.model(req, { titleKey: 'setup.title' })) });
  }

  @Post('setup/:token')
  @Public()
  async setup(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() body: SetupDto) {
    try {
      if (body.password !== body.confirm) throw new DomainError('password_mismatch', 'setup.errors.mismatch', 400);
      const actor = await this.auth.completeSetup(token, body.password);
      await startSession(req, actor);
      res.redirect(303, '/');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      const form = { error: this.i18n.t(req.lang, error.i18nKey, error.vars) };
      res.render('identity/setup', { layout: 'bare', token, ...(await this.pages.model(req, { titleKey: 'setup.title', form })) });
    }
  }
}
