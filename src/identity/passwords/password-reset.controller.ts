import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { Public } from '../../kernel/security/permissions';
import { DomainError } from '../../kernel/web/domain-error';
import { PageService } from '../../kernel/web/page.service';
import { ForgotPasswordDto, ResetPasswordDto } from './password-reset.dto';
import { PasswordResetService } from './password-reset.service';

/** "Forgot your password?" and the page the e-mailed link opens. */
@Controller('password')
export class PasswordResetController {
  constructor(
    private readonly resets: PasswordResetService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get('forgot')
  @Public()
  async forgotPage(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, 'identity/password-forgot', 'passwords.forgot_title', { values: {} });
  }

  @Post('forgot')
  @HttpCode(200)
  @Public()
  async forgot(@Req() req: Request, @Res() res: Response, @Body() body: ForgotPasswordDto) {
    try {
      await this.resets.request(body.login, req.ip ?? 'unknown', req.lang);
      await this.render(req, res, 'identity/password-forgot', 'passwords.forgot_title', { values: { login: body.login } }, { sent: true });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      await this.render(req, res, 'identity/password-forgot', 'passwords.forgot_title', { values: { login: body.login }, error: this.i18n.t(req.lang, error.i18nKey, error.vars) });
    }
  }

  @Get('reset/:token')
  @Public()
  async resetPage(@Req() req: Request, @Res() res: Response, @Param('token') token: string) {
    const live = await this.resets.linkIsLive(token);
    if (!live) res.status(410);
    await this.render(req, res, 'identity/password-reset', 'passwords.reset_title', { values: {} }, { token, live });
  }

  @Post('reset/:token')
  @Public()
  async reset(@Req() req: Request, @Res() res: Response, @Param('token') token: string, @Body() body: ResetPasswordDto) {
    try {
      await this.resets.reset(token, body.password, body.confirm, req.ip ?? 'unknown');
      this.pages.flash(req, 'success', 'passwords.reset_done');
      res.redirect(303, '/login');
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      res.status(error.status);
      const live = error.code !== 'reset_link_invalid';
      await this.render(req, res, 'identity/password-reset', 'passwords.reset_title', { values: {}, error: this.i18n.t(req.lang, error.i18nKey, error.vars) }, { token, live });
    }
  }

  private async render(req: Request, res: Response, view: string, titleKey: string, form: { values: Record<string, unknown>; error?: string }, extra: object = {}) {
    res.render(view, { layout: 'bare', ...extra, ...(await this.pages.model(req, { titleKey, form })) });
  }
}
