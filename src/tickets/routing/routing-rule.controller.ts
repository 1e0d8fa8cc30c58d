import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { submitForm, type Refusal } from '../../identity/organisations/form-input';
import { knownTimeZones } from '../../identity/profile.service';
import { CatalogueService } from '../../catalogue/catalogue.service';
import { CHANNELS, TICKET_TYPES } from '../ticket-types';
import { MoveDto, RoutingRuleDto } from './routing-rule.dto';
import { RoutingRuleService, type RuleForm } from './routing-rule.service';

/** The admin pages of routing rules: the ordered list, and a rule's conditions and actions. */
@Controller('admin/routing')
export class RoutingRuleController {
  constructor(
    private readonly rules: RoutingRuleService,
    private readonly catalogue: CatalogueService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.routing.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    const rules = await this.rules.list();
    const rows = rules.map((rule, index) => ({ ...rule, first: index === 0, last: index === rules.length - 1 }));
    res.render('admin/routing', await this.pages.model(req, { titleKey: 'routing.title' }, { rules: rows }));
  }

  @Get('new')
  @RequirePermission('admin.routing.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderForm(req, res, null, { name: '', active: true, timeZone: req.actor!.timeZone ?? 'UTC' });
  }

  @Post()
  @RequirePermission('admin.routing.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: RoutingRuleDto) {
    const form = { ...body, active: body.active ?? false, stop: body.stop ?? false };
    await this.saving(req, res, null, form, async () => void (await this.rules.create(form)));
  }

  @Get(':id')
  @RequirePermission('admin.routing.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.renderForm(req, res, id, await this.rules.formOf(await this.rules.get(id)));
  }

  @Post(':id')
  @RequirePermission('admin.routing.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: RoutingRuleDto) {
    await this.rules.get(id);
    const form = { ...body, active: body.active ?? false, stop: body.stop ?? false };
    await this.saving(req, res, id, form, () => this.rules.update(id, form));
  }

  @Post(':id/move')
  @RequirePermission('admin.routing.manage')
  async move(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: MoveDto) {
    await this.rules.move(id, body.direction === 'up' ? -1 : 1);
    res.redirect(303, '/admin/routing');
  }

  @Post(':id/delete')
  @RequirePermission('admin.routing.manage')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.rules.remove(id);
    this.pages.flash(req, 'success', 'routing.deleted');
    res.redirect(303, '/admin/routing');
  }

  private async saving(req: Request, res: Response, id: string | null, form: RuleForm, work: () => Promise<void>) {
    await submitForm(req, res, this, async () => (await work(), '/admin/routing'), 'routing.saved', (refusal) => this.renderForm(req, res, id, form, refusal));
  }

  private async renderForm(req: Request, res: Response, id: string | null, form: RuleForm, refusal: Refusal = { errors: {} }) {
    const ticked = (values: readonly string[] | undefined, value: string) => (values ?? []).includes(value);
    const services = await this.catalogue.all();
    const { organisations } = await this.catalogue.audienceChoices();
    const model = await this.pages.model(req, { titleKey: id ? 'routing.edit_title' : 'routing.new_title', form: { values: { ...form }, ...refusal } }, {
      ruleId: id,
      channels: CHANNELS.map((channel) => ({ channel, checked: ticked(form.channels, channel) })),
      types: TICKET_TYPES.map((type) => ({ type, checked: ticked(form.types, type), selected: form.setType === type })),
      services: services.map((service) => ({ id: service.id, name: service.name, checked: ticked(form.serviceIds, service.id) })),
      organisations: organisations.map((org) => ({ ...org, checked: ticked(form.organisationIds, org.id) })),
      days: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, checked: ticked(form.days, String(day)) })),
      priorities: [1, 2, 3, 4, 5].map((priority) => ({ priority, selected: String(form.priority ?? '') === String(priority) })),
      timeZones: knownTimeZones(),
    });
    res.render('admin/routing-edit', model);
  }
}
