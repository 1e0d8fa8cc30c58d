import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { I18nService } from '../kernel/i18n/i18n.service';
import { RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';
import { submitForm, type Refusal } from '../identity/organisations/form-input';
import { CatalogueService } from '../catalogue/catalogue.service';
import { parseServiceChoice } from '../catalogue/service-audience';
import { AttachmentService, sentFilesOf } from '../tickets/attachments/attachment.service';
import { CustomFieldsService } from '../tickets/fields/custom-fields.service';
import { customFieldModel } from '../tickets/fields/custom-field-model';
import { RATING_FACES, SatisfactionService } from '../tickets/satisfaction/satisfaction.service';
import { AcceptDto, RejectDto } from '../tickets/satisfaction/satisfaction.controller';
import { TicketService } from '../tickets/ticket.service';
import { isRequestScope, isRequestState, REQUEST_STATES } from './request-list';
import { PortalService } from './portal.service';

/** What a requester can ask for in the portal: something broken, or something they need. */
const PORTAL_TYPES = ['incident', 'service_request'] as const;

/** The portal's new-request form (the multipart parser fills it; custom fields as custom[key]). */
export class PortalRequestDto {
  @IsIn(PORTAL_TYPES) type!: (typeof PORTAL_TYPES)[number];
  @IsString() @MaxLength(2000) subject!: string;
  @IsOptional() @IsString() @MaxLength(200_000) description?: string;
  @IsOptional() @IsString() @MaxLength(100) service?: string;
  @IsOptional() custom?: Record<string, string>;
  @IsOptional() @IsString() _csrf?: string;
}

export class PortalReplyDto {
  @IsString() @MaxLength(200_000) body!: string;
  @IsOptional() @IsString() _csrf?: string;
}

/**
 * The self-service portal: a requester's home (the catalogue they may use and their open
 * requests), the form of a service, their requests and their organisation's where it shares
 * them, and one request's page with its public history, replies, files and the answer to a
 * resolution. Plain forms that work without script and on a phone.
 */
@Controller('portal')
export class PortalController {
  constructor(
    private readonly portal: PortalService,
    private readonly tickets: TicketService,
    private readonly satisfaction: SatisfactionService,
    private readonly catalogue: CatalogueService,
    private readonly fields: CustomFieldsService,
    private readonly files: AttachmentService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('tickets.create')
  async home(@Req() req: Request, @Res() res: Response) {
    const services = await this.catalogue.visibleTo(req.actor!);
    const open = await this.portal.requests(req.actor!, { scope: 'mine', state: 'open' }, 5);
    const model = await this.pages.model(req, { titleKey: 'portal.home_title', slots: ['portal_home'], portal: 'home' }, {
      services,
      open: open.rows,
      moreOpen: open.next !== null,
    });
    res.render('portal/home', model);
  }

  @Get('new')
  @RequirePermission('tickets.create')
  async newForm(@Req() req: Request, @Res() res: Response, @Query('service') service?: string) {
    await this.renderForm(req, res, { type: 'incident', ...(typeof service === 'string' ? { service: service.slice(0, 100) } : {}) });
  }

  @Post('requests')
  @RequirePermission('tickets.create')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: PortalRequestDto) {
    const work = async () => {
      const ref = await this.tickets.create(req.actor!, { type: body.type, subject: body.subject, description: body.description ?? '', custom: body.custom ?? {}, channel: 'portal', ...parseServiceChoice(body.service) }, 'web', sentFilesOf(req));
      return `/portal/requests/${ref}`;
    };
    await submitForm(req, res, this, work, 'portal.submitted', (refusal) => this.renderForm(req, res, { ...body }, refusal));
  }

  @Get('requests')
  @RequirePermission('tickets.view')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const scope = isRequestScope(raw.scope) ? raw.scope : 'mine';
    const state = isRequestState(raw.state) ? raw.state : 'open';
    const cursor = typeof raw.cursor === 'string' ? raw.cursor : undefined;
    const page = await this.portal.requests(req.actor!, { scope, state, ...(cursor ? { cursor } : {}) });
    const link = (extra: Record<string, string>) => `/portal/requests?${new URLSearchParams({ scope, state, ...extra })}`;
    const model = await this.pages.model(req, { titleKey: scope === 'mine' ? 'portal.mine_title' : 'portal.organisation_title', portal: scope }, {
      organisation: scope === 'organisation' ? await this.portal.sharedOrganisation(req.actor!) : null,
      scope,
      organisationScope: scope === 'organisation',
      rows: page.rows,
      states: REQUEST_STATES.map((name) => ({ name, current: name === state, href: `/portal/requests?${new URLSearchParams({ scope, state: name })}` })),
      next: page.next ? link({ cursor: page.next }) : null,
      first: cursor ? link({}) : null,
    });
    res.render('portal/requests', model);
  }

  @Get('requests/:ref')
  @RequirePermission('tickets.view')
  async show(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string) {
    await this.renderRequest(req, res, ref);
  }

  @Post('requests/:ref/replies')
  @RequirePermission('tickets.view')
  async reply(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: PortalReplyDto) {
    await this.act(req, res, ref, { body: body.body }, () => this.tickets.reply(req.actor!, ref, { kind: 'reply', body: body.body }, 'web', sentFilesOf(req)), 'tickets.replied');
  }

  @Post('requests/:ref/accept')
  @RequirePermission('tickets.view')
  async accept(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: AcceptDto) {
    await this.act(req, res, ref, { comment: body.comment }, () => this.satisfaction.accept(req.actor!, ref, body, 'web'), 'satisfaction.thanks');
  }

  @Post('requests/:ref/reject')
  @RequirePermission('tickets.view')
  async reject(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: RejectDto) {
    await this.act(req, res, ref, { reason: body.reason }, () => this.satisfaction.reject(req.actor!, ref, body, 'web'), 'satisfaction.reopened');
  }

  /** Runs an action on a request: back to its page with a message, or the page again with the refusal and what was typed. */
  private async act(req: Request, res: Response, ref: string, typed: Record<string, unknown>, work: () => Promise<unknown>, doneKey: string) {
    const run = async () => {
      await work();
      return `/portal/requests/${ref}`;
    };
    await submitForm(req, res, this, run, doneKey, (refusal) => this.renderRequest(req, res, ref, typed, refusal));
  }

  private async renderForm(req: Request, res: Response, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const services = await this.catalogue.visibleTo(req.actor!);
    const chosen = typeof values.service === 'string' ? values.service : '';
    const serviceId = chosen.split(':')[0] ?? '';
    const service = services.find((candidate) => candidate.id === serviceId) ?? null;
    const typed = (values.custom as Record<string, string> | undefined) ?? {};
    const model = await this.pages.model(req, { titleKey: 'portal.new_title', slots: ['portal_request_form'], form: { values, ...refusal }, portal: 'new' }, {
      service,
      services: services.map((candidate) => ({ id: candidate.id, name: candidate.name, selected: candidate.id === serviceId })),
      components: service?.components.map((component) => ({ ...component, value: `${service.id}:${component.id}`, selected: chosen === `${service.id}:${component.id}` })) ?? [],
      types: PORTAL_TYPES.map((type) => ({ type, checked: type === (values.type ?? 'incident') })),
      customFields: (await this.fields.list(true))
        .filter((field) => !field.serviceId || field.serviceId === service?.id)
        .map((field) => customFieldModel(field, typed[field.key], refusal.errors[`custom[${field.key}]`])),
      fileLimits: this.files.limits(),
    });
    res.render('portal/new', model);
  }

  private async renderRequest(req: Request, res: Response, ref: string, typed: Record<string, unknown> = {}, refusal?: Refusal) {
    const { view, timeline, own, awaitingAnswer } = await this.portal.request(req.actor!, ref);
    const model = await this.pages.model(req, { titleKey: 'tickets.page_title', titleVars: { ref: view.ref, subject: view.ticket.subject }, form: { values: typed, ...(refusal ?? { errors: {} }) }, portal: own ? 'mine' : 'organisation' }, {
      ticket: { ...view.ticket, ref: view.ref },
      attachments: view.attachments,
      timeline,
      own,
      awaitingAnswer,
      scores: RATING_FACES.map((face, index) => ({ score: index + 1, face })),
      fileLimits: this.files.limits(),
    });
    res.render('portal/request', model);
  }
}
