import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { Public } from '../../kernel/security/permissions';
import { DomainError } from '../../kernel/web/domain-error';
import { PageService } from '../../kernel/web/page.service';
import { toActor } from '../user.repository';
import { startSession } from '../session-start';
import { InvitationService } from './invitation.service';
import { RegistrationService } from './registration.service';
import { AcceptInvitationDto, AddressDto, EmptyFormDto, RegistrationDto } from './requesters.dto';
import { SignInLinkService } from './sign-in-link.service';

type View = 'identity/sign-in-link' | 'identity/invitation' | 'identity/register';

/**
 * The public pages external requesters use: asking for a sign-in link and using it, accepting an
 * invitation, registering. A link opened from a mail shows a button rather than signing in at
 * once, so mail scanners that follow links cannot spend them.
 */
@Controller()
export class RequesterAccessController {
  constructor(
    private readonly signInLinks: SignInLinkService,
    private readonly invitations: InvitationService,
    private readonly registrations: RegistrationService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get('login/link')
  @Public()
  async linkForm(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, 'identity/sign-in-link', 'links.title', {});
  }

  @Post('login/link')
  @HttpCode(200)
  @Public()
  async requestLink(@Req() req: Request, @Res() res: Response, @Body() body: AddressDto) {
    await this.attempt(req, res, 'identity/sign-in-link', 'links.title', { email: body.email }, async () => {
      await this.signInLinks.request(body.email, req.ip ?? 'unknown', req.lang);
      await this.render(req, res, 'identity/sign-in-link', 'links.title', { email: body.email }, { sent: true });
    });
  }

  @Get('login/link/:token')
  @Public()
  async linkPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string) {
    const live = await this.signInLinks.isLive(token);
    if (!live) res.status(410);
    await this.render(req, res, 'identity/sign-in-link', 'links.title', {}, { token, confirm: live, dead: !live });
  }

  @Post('login/link/:token')
  @Public()
  async useLink(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() _body: EmptyFormDto) {
    await this.attempt(req, res, 'identity/sign-in-link', 'links.title', {}, async () => {
      await startSession(req, toActor(await this.signInLinks.use(token, req.ip ?? 'unknown')));
      res.redirect(303, '/');
    });
  }

  @Get('invite/:token')
  @Public()
  async invitationPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string) {
    const person = await this.invitations.holder(token);
    if (!person) res.status(410);
    await this.render(req, res, 'identity/invitation', 'invitations.title', {}, { token, person: person && { displayName: person.displayName, email: person.email } });
  }

  @Post('invite/:token')
  @Public()
  async acceptInvitation(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() body: AcceptInvitationDto) {
    const person = await this.invitations.holder(token);
    await this.attempt(req, res, 'identity/invitation', 'invitations.title', {}, async () => {
      const user = await this.invitations.accept(token, body.password ?? '', body.confirm ?? '', req.ip ?? 'unknown');
      await startSession(req, toActor(user));
      res.redirect(303, '/');
    }, { token, person: person && { displayName: person.displayName, email: person.email } });
  }

  @Get('register')
  @Public()
  async registerForm(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, 'identity/register', 'registration.title', {});
  }

  @Post('register')
  @HttpCode(200)
  @Public()
  async register(@Req() req: Request, @Res() res: Response, @Body() body: RegistrationDto) {
    await this.attempt(req, res, 'identity/register', 'registration.title', { email: body.email, displayName: body.displayName }, async () => {
      await this.registrations.register(body, req.ip ?? 'unknown', req.lang);
      await this.render(req, res, 'identity/register', 'registration.title', {}, { sent: true });
    });
  }

  @Get('register/confirm/:token')
  @Public()
  async confirmPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string) {
    const live = await this.registrations.isLive(token);
    if (!live) res.status(410);
    await this.render(req, res, 'identity/register', 'registration.title', {}, { token, confirm: live, dead: !live });
  }

  @Post('register/confirm/:token')
  @Public()
  async confirm(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() _body: EmptyFormDto) {
    await this.attempt(req, res, 'identity/register', 'registration.title', {}, async () => {
      await startSession(req, toActor(await this.registrations.confirm(token, req.ip ?? 'unknown')));
      res.redirect(303, '/');
    });
  }

  /** Runs a step; a refusal shows the same page again with the message and what was typed. */
  private async attempt(req: Request, res: Response, view: View, titleKey: string, values: Record<string, unknown>, work: () => Promise<void>, extra: object = {}) {
    try {
      await work();
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      await this.render(req, res, view, titleKey, values, { ...extra, dead: error.code === 'link_invalid' }, this.i18n.t(req.lang, error.i18nKey, error.vars));
    }
  }

  private async render(req: Request, res: Response, view: View, titleKey: string, values: Record<string, unknown>, extra: object = {}, error?: string) {
    res.render(view, { layout: 'bare', ...extra, ...(await this.pages.model(req, { titleKey, form: { values, error } })) });
  }
}
