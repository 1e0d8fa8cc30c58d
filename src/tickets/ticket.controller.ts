import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../kernel/i18n/i18n.service';
import { actorCan, RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';
import { formRefusal, refusalMessages, type Refusal } from '../identity/organisations/form-input';
import { CatalogueService } from '../catalogue/catalogue.service';
import { parseServiceChoice } from '../catalogue/service-audience';
import { AttachmentService, sendDownload, sentFilesOf } from './attachments/attachment.service';
import { TICKET_TYPES } from './ticket-types';
import { AssignDto, BulkDto, CustomValuesDto, MessageDto, NewTicketDto, StarDto, StatusDto, TagsDto, WatchDto } from './ticket.dto';
import { isSort, SORTS } from './queue-order';
import { isQueue, QUEUES, REQUESTER_QUEUES } from './queues';
import { QUEUE_COUNT_CAP, TicketService } from './ticket.service';
import { TicketPage } from './ticket-page';
import { CallerLookupService, type Caller } from './callers/caller-lookup.service';
import { SavedFiltersService } from './saved-filters.service';
import { TicketFollowingService } from './ticket-following.service';
import { CustomFieldsService } from './fields/custom-fields.service';
import { customFieldModel } from './fields/custom-field-model';
import { TicketTemplatesService } from './templates/ticket-templates.service';
import { BulkActionsService } from './bulk-actions.service';

import { filterParams, filtersFrom } from './ticket-filters';

/** Channels staff register through by hand (mail and the API register themselves). */
const STAFF_CHANNELS = ['web', 'phone', 'email', 'portal'] as const;

/** A capped count as the queue tabs show it: nothing for uncounted queues, "999+" at the cap. */
function countLabel(count: number | undefined): string | null {
  if (count === undefined) return null;
  return count >= QUEUE_COUNT_CAP ? `${QUEUE_COUNT_CAP - 1}+` : String(count);
}

/** The agent workspace's first pages: queues, a new ticket, the ticket page with its actions. */
@Controller('tickets')
export class TicketController {
  constructor(
    private readonly tickets: TicketService,
    private readonly files: AttachmentService,
    private readonly catalogue: CatalogueService,
    private readonly callers: CallerLookupService,
    private readonly savedFilters: SavedFiltersService,
    private readonly following: TicketFollowingService,
    private readonly fields: CustomFieldsService,
    private readonly templates: TicketTemplatesService,
    private readonly bulkActions: BulkActionsService,
    private readonly pages: PageService,
    private readonly page: TicketPage,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('tickets.view')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const staff = actorCan(req.actor!, 'tickets.work');
    const queue = isQueue(raw.queue) ? raw.queue : 'all';
    const sort = isSort(raw.sort) ? raw.sort : 'updated';
    const search = typeof raw.q === 'string' ? raw.q.slice(0, 200) : '';
    const cursor = typeof raw.cursor === 'string' ? raw.cursor : undefined;
    const filters = filtersFrom(raw);
    const page = await this.tickets.list(req.actor!, { queue, sort, search, filters, ...(cursor ? { cursor } : {}) });
    const counts = await this.tickets.queueCounts(req.actor!);
    const columns = await this.tickets.listColumns(req.actor!, page.rows.map((row) => row.ref));
    const current = { queue, sort, ...(search ? { q: search } : {}), ...filterParams(filters) };
    const link = (extra: Record<string, string>) => `/tickets?${new URLSearchParams({ ...current, ...extra })}`;
    const workflow = staff ? await this.tickets.statuses() : [];
    const services = staff ? await this.catalogue.all() : [];
    const model = await this.pages.model(req, { titleKey: 'tickets.title', form: { values: { q: search, ...filterParams(filters) } } }, {
      queue,
      sort,
      staff,
      canDelete: actorCan(req.actor!, 'tickets.delete'),
      currentUrl: link({}),
      current: Object.entries(current).map(([name, value]) => ({ name, value })),
      filtered: Object.keys(filterParams(filters)).length > 0,
      statuses: workflow.map((status) => ({ key: status.key, selected: status.key === filters.status })),
      priorities: [1, 2, 3, 4, 5].map((priority) => ({ priority, selected: priority === filters.priority })),
      types: TICKET_TYPES.map((type) => ({ type, selected: type === filters.type })),
      services: services.map((service) => ({ id: service.id, name: service.name, selected: service.id === filters.serviceId })),
      savedFilters: staff ? (await this.savedFilters.list(req.actor!)).map((saved) => ({ ...saved, href: `/tickets?${new URLSearchParams(saved.params)}` })) : [],
      rows: page.rows.map((row, index) => ({ ...row, extra: columns.map((column) => column.cells[index]) })),
      extraColumns: columns.map((column) => column.label),
      deletedQueue: queue === 'deleted',
      queues: (staff ? QUEUES : REQUESTER_QUEUES).map((name) => ({ name, current: name === queue, count: countLabel(counts.get(name)) })),
      sorts: SORTS.map((name) => ({ name, current: name === sort, href: link({ sort: name }) })),
      next: page.next ? link({ cursor: page.next }) : null,
      first: cursor ? link({}) : null,
    });
    res.render('tickets/list', model);
  }

  @Post('bulk')
  @RequirePermission('tickets.work')
  async bulk(@Req() req: Request, @Res() res: Response, @Body() body: BulkDto) {
    const outcome = await this.bulkActions.apply(req.actor!, body.refs ?? [], body.action, body.value ?? '');
    this.tickets.forgetCounts(req.actor!);
    const skipped = outcome.skipped.map((skip) => skip.ref).join(', ');
    this.pages.flash(req, outcome.skipped.length ? 'error' : 'success', outcome.skipped.length ? 'tickets.bulk_partly' : 'tickets.bulk_done', { done: outcome.done.length, skipped });
    res.redirect(303, typeof body.back === 'string' && body.back.startsWith('/tickets') ? body.back : '/tickets');
  }

  @Post(':ref/watch')
  @RequirePermission('tickets.work')
  async watch(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: WatchDto) {
    await this.following.watch(req.actor!, ref, body.watching === 'true');
    this.tickets.forgetCounts(req.actor!);
    res.redirect(303, `/tickets/${ref}`);
  }

  @Post(':ref/fields')
  @RequirePermission('tickets.work')
  async setFields(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: CustomValuesDto) {
    await this.page.act(req, res, ref, { custom: body.custom ?? {} }, () => this.following.setCustom(req.actor!, ref, body, 'web'), 'tickets.fields_saved');
  }

  @Post(':ref/tags')
  @RequirePermission('tickets.work')
  async tags(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: TagsDto) {
    await this.page.act(req, res, ref, { tags: body.tags }, () => this.following.setTags(req.actor!, ref, body, 'web'), 'tickets.tags_saved');
  }

  @Post(':ref/star')
  @RequirePermission('tickets.view')
  async star(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: StarDto) {
    await this.tickets.star(req.actor!, ref, body.starred === 'true');
    this.tickets.forgetCounts(req.actor!);
    res.redirect(303, `/tickets/${ref}`);
  }

  @Get('new')
  @RequirePermission('tickets.create')
  async newForm(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 320) : '');
    const staff = actorCan(req.actor!, 'tickets.work');
    // Phone and walk-in registration: find the caller first, then register for them.
    const caller = staff ? text(raw.caller) : '';
    const callers = caller ? await this.callers.find(caller) : null;
    const template = text(raw.template) ? (await this.templates.list(true)).find((candidate) => candidate.id === text(raw.template)) : undefined;
    const fromTemplate = template
      ? { template: template.id, type: template.type, subject: template.subject, description: template.description, impact: String(template.impact), urgency: String(template.urgency), ...(template.serviceId ? { service: template.serviceId } : {}), ...(staff && template.groupName ? { group: template.groupName } : {}) }
      : {};
    await this.renderNew(req, res, { type: 'incident', impact: '2', urgency: '2', ...(staff ? { requester: text(raw.requester), channel: text(raw.channel) || 'web', caller } : {}), ...fromTemplate }, undefined, callers);
  }

  @Post()
  @RequirePermission('tickets.create')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: NewTicketDto) {
    try {
      const ref = await this.tickets.create(req.actor!, { ...body, ...parseServiceChoice(body.service) }, 'web', sentFilesOf(req));
      this.tickets.forgetCounts(req.actor!);
      this.pages.flash(req, 'success', 'tickets.created');
      res.redirect(303, `/tickets/${ref}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderNew(req, res, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':ref')
  @RequirePermission('tickets.view')
  async show(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Query('template') template?: string) {
    // Choosing a reply template reloads the page with the reply box started from it (no script needed).
    const body = typeof template === 'string' ? await this.page.templateText(req, ref, template) : undefined;
    await this.page.render(req, res, ref, body === undefined ? {} : { body, signature: true });
  }

  @Get(':ref/attachments/:id')
  @RequirePermission('tickets.view')
  async attachment(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('id') id: string) {
    await sendDownload(res, await this.tickets.attachment(req.actor!, ref, id));
  }

  @Post(':ref/messages')
  @RequirePermission('tickets.view')
  async addMessage(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: MessageDto) {
    await this.page.act(req, res, ref, { kind: body.kind, body: body.body }, () => this.tickets.reply(req.actor!, ref, body, 'web', sentFilesOf(req)), body.kind === 'note' ? 'tickets.noted' : 'tickets.replied');
  }

  @Post(':ref/status')
  @RequirePermission('tickets.work')
  async changeStatus(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: StatusDto) {
    await this.page.act(req, res, ref, { ...body }, () => this.tickets.changeStatus(req.actor!, ref, body, 'web'), 'tickets.status_changed');
  }

  @Post(':ref/assign')
  @RequirePermission('tickets.work')
  async assign(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: AssignDto) {
    await this.page.act(req, res, ref, { ...body }, () => this.tickets.assign(req.actor!, ref, body, 'web'), 'tickets.assigned');
  }

  @Post(':ref/take')
  @RequirePermission('tickets.work')
  async take(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: AssignDto) {
    const view = await this.tickets.view(req.actor!, ref);
    await this.page.act(req, res, ref, {}, () => this.tickets.assign(req.actor!, ref, { group: view.ticket.groupName ?? '', assignee: req.actor!.username, version: body.version }, 'web'), 'tickets.taken');
  }

  @Post(':ref/delete')
  @RequirePermission('tickets.delete')
  async delete(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: AssignDto) {
    await this.tickets.delete(req.actor!, ref, body.version, 'web');
    this.pages.flash(req, 'success', 'tickets.deleted');
    res.redirect(303, '/tickets?queue=deleted');
  }

  @Post(':ref/restore')
  @RequirePermission('tickets.delete')
  async restore(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string) {
    await this.tickets.restore(req.actor!, ref, 'web');
    this.pages.flash(req, 'success', 'tickets.restored');
    res.redirect(303, `/tickets/${ref}`);
  }

  private async renderNew(req: Request, res: Response, values: Record<string, unknown>, refusal: Refusal = { errors: {} }, callers: Caller[] | null = null) {
    const model = await this.pages.model(req, { titleKey: 'tickets.new_title', form: { values, ...refusal } }, {
      callers,
      ticketTemplates: (await this.templates.list(true)).map((template) => ({ id: template.id, name: template.name, selected: template.id === values.template })),
      channels: STAFF_CHANNELS.map((channel) => ({ channel, selected: channel === (values.channel ?? 'web') })),
      customFields: (await this.fields.list(true)).map((field) => customFieldModel(field, (values.custom as Record<string, string> | undefined)?.[field.key], refusal.errors[`custom[${field.key}]`])),
      types: TICKET_TYPES.map((type) => ({ type, selected: type === values.type })),
      services: (await this.catalogue.visibleTo(req.actor!)).map((service) => ({
        ...service,
        selected: values.service === service.id,
        components: service.components.map((component) => ({ ...component, value: `${service.id}:${component.id}`, selected: values.service === `${service.id}:${component.id}` })),
      })),
      levels: [1, 2, 3],
      staff: req.actor!.roles.some((role) => role !== 'requester'),
      fileLimits: this.files.limits(),
    });
    res.render('tickets/new', model);
  }

}
