import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { formRefusal, refusalMessages, type Refusal } from '../organisations/form-input';
import { InvitationService } from './invitation.service';
import { InvitationDto } from './requesters.dto';

/** Staff invite an external requester by e-mail. */
@Controller('requesters/invite')
export class InvitationController {
  constructor(
    private readonly invitations: InvitationService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('requesters.invite')
  async form(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, {});
  }

  @Post()
  @RequirePermission('requesters.invite')
  async invite(@Req() req: Request, @Res() res: Response, @Body() body: InvitationDto) {
    try {
      await this.invitations.invite(req.actor!, body, req.lang);
      this.pages.flash(req, 'success', 'invitations.sent');
      res.redirect(303, '/requesters/invite');
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.render(req, res, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  private async render(req: Request, res: Response, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    res.render('identity/invite', await this.pages.model(req, { titleKey: 'invitations.invite_title', form: { values, ...refusal } }));
  }
}
