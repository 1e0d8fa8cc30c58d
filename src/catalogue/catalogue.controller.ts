import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../kernel/i18n/i18n.service';
import { RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';
import { submitForm, type Refusal } from '../identity/organisations/form-input';
import { ComponentDto, ServiceDto } from './catalogue.dto';
import { CatalogueService, MAX_DESCRIPTION } from './catalogue.service';

/** The admin pages of the service catalogue: the list, a new service, a service with its components. */
@Controller('admin/services')
export class CatalogueController {
  constructor(
    private readonly catalogue: CatalogueService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.catalogue.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    res.render('admin/services', await this.pages.model(req, { titleKey: 'catalogue.title' }, { services: await this.catalogue.all() }));
  }

  @Get('new')
  @RequirePermission('admin.catalogue.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderForm(req, res, null, { active: true });
  }

  @Post()
  @RequirePermission('admin.catalogue.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: ServiceDto) {
    const input = { ...body, active: body.active ?? false };
    await this.saving(req, res, null, input, async () => `/admin/services/${await this.catalogue.create(input)}`);
  }

  @Get(':id')
  @RequirePermission('admin.catalogue.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const { service, audiences } = await this.catalogue.details(id);
    await this.renderForm(req, res, id, { ...service, owner: service.ownerUsername ?? '', defaultGroup: service.defaultGroupName ?? '', ...audiences });
  }

  @Post(':id')
  @RequirePermission('admin.catalogue.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: ServiceDto) {
    const input = { ...body, active: body.active ?? false };
    await this.saving(req, res, id, input, async () => {
      await this.catalogue.update(id, input);
      return `/admin/services/${id}`;
    });
  }

  @Post(':id/components')
  @RequirePermission('admin.catalogue.manage')
  @HttpCode(200)
  async addComponent(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: ComponentDto) {
    await this.saving(req, res, id, { componentName: body.name, componentGroup: body.defaultGroup }, async () => {
      await this.catalogue.addComponent(id, { ...body, active: true });
      return `/admin/services/${id}#components`;
    });
  }

  @Post(':id/components/:componentId')
  @RequirePermission('admin.catalogue.manage')
  @HttpCode(200)
  async updateComponent(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('componentId') componentId: string, @Body() body: ComponentDto) {
    await this.saving(req, res, id, {}, async () => {
      await this.catalogue.updateComponent(id, componentId, { ...body, active: body.active ?? false });
      return `/admin/services/${id}#components`;
    });
  }

  /** Runs a save; a refusal shows the form again with what was typed and the message beside its field. */
  private async saving(req: Request, res: Response, id: string | null, typed: Record<string, unknown>, work: () => Promise<string>) {
    await submitForm(req, res, this, work, 'catalogue.saved', async (refusal) => {
      const saved = id ? await this.catalogue.details(id) : null;
      const values = saved && !('name' in typed) ? { ...saved.service, owner: saved.service.ownerUsername ?? '', defaultGroup: saved.service.defaultGroupName ?? '', ...saved.audiences, ...typed } : typed;
      await this.renderForm(req, res, id, values, refusal);
    });
  }

  private async renderForm(req: Request, res: Response, id: string | null, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const service = id ? (await this.catalogue.details(id)).service : null;
    const choices = await this.catalogue.audienceChoices();
    const picked = (key: string) => new Set((values[key] as string[] | undefined) ?? []);
    const [organisations, departments, groups] = [picked('organisations'), picked('departments'), picked('groups')];
    const model = await this.pages.model(req, { titleKey: service ? 'catalogue.edit_title' : 'catalogue.new_title', titleVars: { name: service?.name ?? '' }, form: { values, ...refusal } }, {
      service,
      maxDescription: MAX_DESCRIPTION,
      organisations: choices.organisations.map((org) => ({
        ...org,
        checked: organisations.has(org.id),
        departments: choices.departments.filter((department) => department.organisationId === org.id).map((department) => ({ ...department, checked: departments.has(department.id) })),
      })),
      groups: choices.groups.map((group) => ({ ...group, checked: groups.has(group.id) })),
    });
    res.render('admin/services-edit', model);
  }
}
