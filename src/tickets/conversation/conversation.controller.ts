import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { submitForm, type Refusal } from '../../identity/organisations/form-input';
import { PLACEHOLDERS } from './reply-template';
import { ReplyTemplateDto, SignatureDto } from './conversation.dto';
import { ConversationService } from './conversation.service';

/** An agent's reply templates (their own and shared ones) and their signature. */
@Controller('reply-templates')
export class ConversationController {
  constructor(
    private readonly conversation: ConversationService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('tickets.work')
  async list(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, { signature: await this.conversation.signature(req.actor!) });
  }

  @Post()
  @RequirePermission('tickets.work')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: ReplyTemplateDto) {
    await this.saving(req, res, { ...body, signature: await this.conversation.signature(req.actor!) }, () => this.conversation.addTemplate(req.actor!, body), 'tickets.template_saved');
  }

  @Post('signature')
  @RequirePermission('tickets.work')
  async signature(@Req() req: Request, @Res() res: Response, @Body() body: SignatureDto) {
    await this.saving(req, res, { signature: body.signature }, () => this.conversation.setSignature(req.actor!, body.signature), 'tickets.signature_saved');
  }

  @Post(':id/delete')
  @RequirePermission('tickets.work')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.conversation.removeTemplate(req.actor!, id);
    this.pages.flash(req, 'success', 'tickets.template_deleted');
    res.redirect(303, '/reply-templates');
  }

  private async saving(req: Request, res: Response, typed: Record<string, unknown>, work: () => Promise<void>, doneKey: string) {
    await submitForm(req, res, this, async () => (await work(), '/reply-templates'), doneKey, (refusal) => this.render(req, res, typed, refusal));
  }

  private async render(req: Request, res: Response, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const templates = (await this.conversation.templates(req.actor!)).map((template) => ({ ...template, mine: template.ownerId === req.actor!.id, canDelete: template.ownerId === req.actor!.id || req.actor!.isAdmin }));
    res.render('tickets/templates', await this.pages.model(req, { titleKey: 'tickets.templates_title', form: { values, ...refusal } }, { templates, placeholders: PLACEHOLDERS.map((name) => `{{${name}}}`) }));
  }
}
