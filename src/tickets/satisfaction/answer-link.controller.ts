import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../../kernel/security/permissions';
import { DomainError } from '../../kernel/web/domain-error';
import { PageService } from '../../kernel/web/page.service';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { EmailedLinks } from '../../identity/emailed-links.service';
import { UserRepository } from '../../identity/user.repository';
import { submitForm } from '../../identity/organisations/form-input';
import { answerPurpose } from '../ticket-mailer';
import { AcceptDto, RejectDto } from './satisfaction.controller';
import { RATING_FACES, SatisfactionService } from './satisfaction.service';

/**
 * The one-click answers of a resolution mail, for a requester who may not be signed in. Opening a
 * link only shows the answer, ready to confirm (so a mail scanner following links answers
 * nothing); confirming spends the single-use token and answers as the person it was sent to.
 */
@Controller('answers')
export class AnswerLinkController {
  constructor(
    private readonly links: EmailedLinks,
    private readonly users: UserRepository,
    private readonly satisfaction: SatisfactionService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  // Before ':ref/:token', which would otherwise take "done" for a token.
  @Get(':ref/done')
  @Public()
  async done(@Req() req: Request, @Res() res: Response) {
    res.render('tickets/answer', await this.pages.model(req, { titleKey: 'satisfaction.title' }, { done: true }));
  }

  @Get(':ref/:token')
  @Public()
  async show(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('token') token: string, @Query() raw: Record<string, unknown>) {
    const live = (await this.links.holder(token, answerPurpose(ref))) !== undefined;
    const score = Number(raw.score);
    await this.render(req, res, ref, token, live, { score: Number.isInteger(score) && score >= 1 && score <= 5 ? score : 5, rejecting: raw.reject === '1' });
  }

  @Post(':ref/:token/accept')
  @Public()
  @HttpCode(200)
  async accept(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('token') token: string, @Body() body: AcceptDto) {
    await submitForm(req, res, this, async () => {
      const actor = await this.spend(ref, token);
      await this.satisfaction.accept(actor, ref, body, 'web');
      return `/answers/${encodeURIComponent(ref)}/done`;
    }, 'satisfaction.thanks', (refusal) => this.render(req, res, ref, token, true, { score: body.score, comment: body.comment, errors: refusal.errors, error: refusal.error }));
  }

  @Post(':ref/:token/reject')
  @Public()
  @HttpCode(200)
  async reject(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('token') token: string, @Body() body: RejectDto) {
    await submitForm(req, res, this, async () => {
      if (!body.reason?.trim()) throw new DomainError('reason_required', 'satisfaction.errors.reason', 400, { field: 'reason' });
      const actor = await this.spend(ref, token);
      await this.satisfaction.reject(actor, ref, body, 'web');
      return `/answers/${encodeURIComponent(ref)}/done`;
    }, 'satisfaction.reopened', (refusal) => this.render(req, res, ref, token, true, { rejecting: true, reason: body.reason, errors: refusal.errors, error: refusal.error }));
  }

  /** Spends the link (one use, not expired, for this ticket) and returns who it was sent to. */
  private async spend(ref: string, token: string) {
    const userId = await this.links.spend(token, answerPurpose(ref));
    const actor = userId ? await this.users.findActor(userId) : undefined;
    if (!actor?.active) throw new DomainError('answer_link_dead', 'satisfaction.errors.link', 410);
    return actor;
  }

  private async render(req: Request, res: Response, ref: string, token: string, live: boolean, values: { score?: number; comment?: string; reason?: string; rejecting?: boolean; errors?: Record<string, string>; error?: string }) {
    if (!live) res.status(410);
    const model = await this.pages.model(req, { titleKey: 'satisfaction.title', form: { values: { comment: values.comment, reason: values.reason }, errors: values.errors ?? {}, ...(values.error ? { error: values.error } : {}) } }, {
      live,
      ref: ref.toUpperCase(),
      action: `/answers/${encodeURIComponent(ref)}/${encodeURIComponent(token)}`,
      rejecting: values.rejecting ?? false,
      scores: RATING_FACES.map((face, index) => ({ score: index + 1, face, checked: index + 1 === (values.score ?? 5) })),
    });
    res.render('tickets/answer', model);
  }
}
