import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { I18nService } from '../kernel/i18n/i18n.service';
import { RequirePermission } from '../kernel/security/permissions';
import { NotFoundError } from '../kernel/web/domain-error';
import { PageService } from '../kernel/web/page.service';
import { Checkbox, submitForm, type Refusal } from '../identity/organisations/form-input';
import { CatalogueService } from '../catalogue/catalogue.service';
import { AttachmentStore } from '../tickets/attachments/attachment-store';
import { MailboxPoller } from './mailbox-poller';
import { MailboxService } from './mailbox.service';
import { InboundLogRepository, INBOUND_STATUSES } from './inbound-log.repository';
import { SenderRulesService } from './sender-rules.service';

/** The mailbox form. The secret is never sent back to the page: blank keeps the stored one. */
export class MailboxDto {
  @IsString() @MaxLength(200) name!: string;
  @IsString() @MaxLength(320) address!: string;
  @IsString() @MaxLength(255) host!: string;
  @IsOptional() @IsString() @MaxLength(10) port?: string;
  @IsIn(['tls', 'starttls', 'none']) security!: string;
  @IsOptional() @IsString() @MaxLength(500) caFile?: string;
  @IsString() @MaxLength(320) username!: string;
  @IsOptional() @IsIn(['password', 'xoauth2']) auth?: string;
  @IsOptional() @IsString() @MaxLength(10_000) secret?: string;
  @IsOptional() @IsString() @MaxLength(500) oauthTokenUrl?: string;
  @IsOptional() @IsString() @MaxLength(500) oauthClientId?: string;
  @IsOptional() @IsString() @MaxLength(10_000) oauthClientSecret?: string;
  @IsOptional() @IsString() @MaxLength(1000) oauthScope?: string;
  @IsOptional() @IsString() @MaxLength(200) folder?: string;
  @IsOptional() @IsIn(['flag', 'move', 'delete']) processedAction?: string;
  @IsOptional() @IsString() @MaxLength(200) processedFolder?: string;
  @IsOptional() @IsIn(['create', 'reject']) unknownSenders?: string;
  @IsOptional() @IsString() @MaxLength(40) defaultServiceId?: string;
  @IsOptional() @IsString() @MaxLength(200) defaultGroup?: string;
  @IsOptional() @IsString() @MaxLength(10) since?: string;
  @IsOptional() @IsString() @MaxLength(5) maxMessageMb?: string;
  @IsOptional() @IsString() @MaxLength(2000) signature?: string;
  @IsOptional() @Checkbox() active?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

export class SenderListsDto {
  @IsOptional() @IsString() @MaxLength(200_000) allow?: string;
  @IsOptional() @IsString() @MaxLength(200_000) deny?: string;
  @IsOptional() @IsString() _csrf?: string;
}

/**
 * Administration → Mailboxes: the mailboxes Opora reads, their connection test (the server's own
 * error), "read now", and the intake log with the quarantine, where every message's original can
 * be downloaded.
 */
@Controller('admin/mailboxes')
export class MailboxController {
  constructor(
    private readonly mailboxes: MailboxService,
    private readonly poller: MailboxPoller,
    private readonly log: InboundLogRepository,
    private readonly catalogue: CatalogueService,
    private readonly store: AttachmentStore,
    private readonly senderRules: SenderRulesService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.mailboxes.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    await this.renderList(req, res);
  }

  /** The sender allow and stop lists, edited on the list page. */
  @Post('senders')
  @RequirePermission('admin.mailboxes.manage')
  async senders(@Req() req: Request, @Res() res: Response, @Body() body: SenderListsDto) {
    const work = async () => {
      await this.senderRules.save(body);
      return '/admin/mailboxes';
    };
    await submitForm(req, res, this, work, 'mailboxes.senders_saved', (refusal) => this.renderList(req, res, { allow: body.allow ?? '', deny: body.deny ?? '' }, refusal));
  }

  private async renderList(req: Request, res: Response, typed?: { allow: string; deny: string }, refusal: Refusal = { errors: {} }) {
    const lists = await this.senderRules.lists();
    const values = typed ?? { allow: lists.allow.join('\n'), deny: lists.deny.join('\n') };
    const model = await this.pages.model(req, { titleKey: 'mailboxes.title', form: { values, ...refusal } }, { rows: await this.mailboxes.list() });
    res.render('admin/mailboxes', model);
  }

  @Get('new')
  @RequirePermission('admin.mailboxes.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderForm(req, res, null, { security: 'tls', port: '993', folder: 'INBOX', processedAction: 'flag', unknownSenders: 'create', maxMessageMb: '25', active: true });
  }

  @Post()
  @RequirePermission('admin.mailboxes.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: MailboxDto) {
    const work = async () => `/admin/mailboxes/${await this.mailboxes.create({ ...body, active: body.active ?? false })}`;
    await submitForm(req, res, this, work, 'mailboxes.created', (refusal) => this.renderForm(req, res, null, { ...body, secret: '', oauthClientSecret: '' }, refusal));
  }

  @Get('log')
  @RequirePermission('admin.mailboxes.manage')
  async inbound(@Req() req: Request, @Res() res: Response, @Query('status') status?: string, @Query('cursor') cursor?: string) {
    const chosen = INBOUND_STATUSES.find((candidate) => candidate === status) ?? null;
    const page = await this.log.page(chosen, typeof cursor === 'string' ? cursor : undefined);
    const model = await this.pages.model(req, { titleKey: 'mailboxes.log_title' }, {
      rows: page.rows,
      statuses: INBOUND_STATUSES.map((name) => ({ name, current: name === chosen })),
      next: page.next ? `/admin/mailboxes/log?${new URLSearchParams({ ...(chosen ? { status: chosen } : {}), cursor: page.next })}` : null,
    });
    res.render('admin/mailbox-log', model);
  }

  @Get('log/:id/original')
  @RequirePermission('admin.mailboxes.manage')
  async original(@Res() res: Response, @Param('id') id: string) {
    const fileId = await this.log.rawFileOf(id);
    if (!fileId) throw new NotFoundError();
    res.set({ 'Content-Type': 'message/rfc822', 'Content-Disposition': `attachment; filename="message-${id}.eml"`, 'X-Content-Type-Options': 'nosniff' });
    this.store.stream(fileId).pipe(res);
  }

  @Get(':id')
  @RequirePermission('admin.mailboxes.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const mailbox = await this.mailboxes.get(id);
    await this.renderForm(req, res, id, { ...mailbox, port: String(mailbox.port), maxMessageMb: String(mailbox.maxMessageMb), defaultGroup: await this.mailboxes.groupNameOf(mailbox), secret: '', oauthClientSecret: '' });
  }

  @Post(':id')
  @RequirePermission('admin.mailboxes.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: MailboxDto) {
    const work = async () => {
      await this.mailboxes.update(id, { ...body, active: body.active ?? false });
      return `/admin/mailboxes/${id}`;
    };
    await submitForm(req, res, this, work, 'mailboxes.saved', (refusal) => this.renderForm(req, res, id, { ...body, secret: '', oauthClientSecret: '' }, refusal));
  }

  @Post(':id/test')
  @RequirePermission('admin.mailboxes.manage')
  async test(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const result = await this.mailboxes.test(id);
    if (result.ok) this.pages.flash(req, 'success', 'mailboxes.test_ok', { count: result.messages });
    else this.pages.flash(req, 'error', 'mailboxes.test_failed', { error: result.error });
    res.redirect(303, `/admin/mailboxes/${id}`);
  }

  @Post(':id/poll')
  @RequirePermission('admin.mailboxes.manage')
  async poll(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const report = await this.poller.poll(id);
    if (!report) this.pages.flash(req, 'info', 'mailboxes.poll_busy');
    else if (report.error) this.pages.flash(req, 'error', 'mailboxes.test_failed', { error: report.error });
    else this.pages.flash(req, 'success', 'mailboxes.polled', { count: report.fetched });
    res.redirect(303, `/admin/mailboxes/${id}`);
  }

  private async renderForm(req: Request, res: Response, id: string | null, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const model = await this.pages.model(req, { titleKey: id ? 'mailboxes.edit_title' : 'mailboxes.new_title', form: { values, ...refusal } }, {
      id,
      hasSecret: id !== null,
      services: (await this.catalogue.all()).map((service) => ({ id: service.id, name: service.name, selected: service.id === values.defaultServiceId })),
      securities: ['tls', 'starttls', 'none'].map((name) => ({ name, selected: name === values.security })),
      auths: ['password', 'xoauth2'].map((name) => ({ name, selected: name === (values.auth ?? 'password') })),
      actions: ['flag', 'move', 'delete'].map((name) => ({ name, selected: name === values.processedAction })),
      unknowns: ['create', 'reject'].map((name) => ({ name, selected: name === values.unknownSenders })),
    });
    res.render('admin/mailbox-edit', model);
  }
}
