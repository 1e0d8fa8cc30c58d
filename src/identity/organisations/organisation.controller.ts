import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { displayDomain } from './email-domains';
import { listLinks, listQueryOf, refusalMessages, formRefusal, type Refusal } from './form-input';
import { DepartmentDto, LocationDto, OrganisationDto } from './organisation.dto';
import type { Organisation } from './organisation.entity';
import { MAX_ADDRESS, MAX_CODE, type OrganisationDetails, OrganisationService } from './organisation.service';

type FormValues = Record<string, unknown>;


/** The admin pages of organisations, with their departments (a tree) and locations. */
@Controller('admin/organisations')
export class OrganisationController {
  constructor(
    private readonly organisations: OrganisationService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.organisations.manage')
  async list(@Req() req: Request, @Res() res: Response, @Query() raw: Record<string, unknown>) {
    const query = listQueryOf(raw);
    const page = await this.organisations.list(req.actor!, query);
    const rows = page.rows.map((row) => ({ ...row, emailDomains: row.emailDomains.map(displayDomain) }));
    const model = await this.pages.model(req, { titleKey: 'organisations.title', form: { values: { q: query.q ?? '' } } }, {
      rows,
      ...listLinks('/admin/organisations', query, page.next),
    });
    res.render('admin/organisations', model);
  }

  @Get('new')
  @RequirePermission('admin.organisations.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    await this.renderNew(req, res, { active: true });
  }

  @Post()
  @RequirePermission('admin.organisations.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: OrganisationDto) {
    const input = { ...body, active: body.active ?? false, selfRegistration: body.selfRegistration ?? false, requestsShared: body.requestsShared ?? false };
    try {
      const organisation = await this.organisations.create(req.actor!, input);
      this.pages.flash(req, 'success', 'organisations.created');
      res.redirect(303, `/admin/organisations/${organisation.id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderNew(req, res, input, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id')
  @RequirePermission('admin.organisations.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const details = await this.organisations.view(req.actor!, id);
    await this.renderEdit(req, res, details, savedValues(details.organisation));
  }

  @Post(':id')
  @RequirePermission('admin.organisations.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: OrganisationDto) {
    const input = { ...body, active: body.active ?? false, selfRegistration: body.selfRegistration ?? false, requestsShared: body.requestsShared ?? false };
    try {
      await this.organisations.update(req.actor!, id, input);
      this.pages.flash(req, 'success', 'organisations.saved');
      res.redirect(303, `/admin/organisations/${id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const details = await this.organisations.view(req.actor!, id);
      res.status(error.status);
      await this.renderEdit(req, res, details, input, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id/departments/new')
  @RequirePermission('admin.organisations.manage')
  async newDepartment(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.renderDepartment(req, res, id, undefined, { name: '', parentId: '' });
  }

  @Post(':id/departments')
  @RequirePermission('admin.organisations.manage')
  async addDepartment(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: DepartmentDto) {
    try {
      await this.organisations.addDepartment(req.actor!, id, body);
      this.pages.flash(req, 'success', 'organisations.department_added');
      res.redirect(303, `/admin/organisations/${id}#departments`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderDepartment(req, res, id, undefined, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id/departments/:departmentId')
  @RequirePermission('admin.organisations.manage')
  async department(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('departmentId') departmentId: string) {
    await this.renderDepartment(req, res, id, departmentId);
  }

  @Post(':id/departments/:departmentId')
  @RequirePermission('admin.organisations.manage')
  async updateDepartment(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('departmentId') departmentId: string,
    @Body() body: DepartmentDto,
  ) {
    try {
      await this.organisations.updateDepartment(req.actor!, id, departmentId, body);
      this.pages.flash(req, 'success', 'organisations.department_saved');
      res.redirect(303, `/admin/organisations/${id}#departments`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderDepartment(req, res, id, departmentId, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Post(':id/departments/:departmentId/remove')
  @RequirePermission('admin.organisations.manage')
  async removeDepartment(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('departmentId') departmentId: string) {
    await this.organisations.removeDepartment(req.actor!, id, departmentId);
    this.pages.flash(req, 'success', 'organisations.department_removed');
    res.redirect(303, `/admin/organisations/${id}#departments`);
  }

  @Get(':id/locations/new')
  @RequirePermission('admin.organisations.manage')
  async newLocation(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const organisation = await this.organisations.organisation(req.actor!, id);
    await this.renderLocation(req, res, organisation, undefined, { name: '', address: '' });
  }

  @Post(':id/locations')
  @RequirePermission('admin.organisations.manage')
  async addLocation(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: LocationDto) {
    try {
      await this.organisations.addLocation(req.actor!, id, body);
      this.pages.flash(req, 'success', 'organisations.location_added');
      res.redirect(303, `/admin/organisations/${id}#locations`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const organisation = await this.organisations.organisation(req.actor!, id);
      res.status(error.status);
      await this.renderLocation(req, res, organisation, undefined, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Get(':id/locations/:locationId')
  @RequirePermission('admin.organisations.manage')
  async location(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('locationId') locationId: string) {
    const { organisation, location } = await this.organisations.location(req.actor!, id, locationId);
    await this.renderLocation(req, res, organisation, location.id, { name: location.name, address: location.address });
  }

  @Post(':id/locations/:locationId')
  @RequirePermission('admin.organisations.manage')
  async updateLocation(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id') id: string,
    @Param('locationId') locationId: string,
    @Body() body: LocationDto,
  ) {
    try {
      await this.organisations.updateLocation(req.actor!, id, locationId, body);
      this.pages.flash(req, 'success', 'organisations.location_saved');
      res.redirect(303, `/admin/organisations/${id}#locations`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      const { organisation, location } = await this.organisations.location(req.actor!, id, locationId);
      res.status(error.status);
      await this.renderLocation(req, res, organisation, location.id, { ...body }, refusalMessages(this.i18n, req.lang, error));
    }
  }

  @Post(':id/locations/:locationId/remove')
  @RequirePermission('admin.organisations.manage')
  async removeLocation(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('locationId') locationId: string) {
    await this.organisations.removeLocation(req.actor!, id, locationId);
    this.pages.flash(req, 'success', 'organisations.location_removed');
    res.redirect(303, `/admin/organisations/${id}#locations`);
  }

  private async renderNew(req: Request, res: Response, values: FormValues, refusal: Refusal = { errors: {} }) {
    const model = await this.pages.model(req, { titleKey: 'organisations.new_title', form: { values, ...refusal } }, { maxCode: MAX_CODE });
    res.render('admin/organisations-new', model);
  }

  private async renderEdit(req: Request, res: Response, details: OrganisationDetails, values: FormValues, refusal: Refusal = { errors: {} }) {
    const { organisation, departments, locations } = details;
    const model = await this.pages.model(req, { titleKey: 'organisations.edit_title', form: { values, ...refusal } }, {
      organisation: { id: organisation.id, name: organisation.name, active: organisation.active },
      departments: nestDepartments(departments),
      parents: departments.map((node) => ({ id: node.id, label: indented(node.name, node.depth) })),
      locations,
      maxCode: MAX_CODE,
      maxAddress: MAX_ADDRESS,
    });
    res.render('admin/organisations-edit', model);
  }

  private async renderDepartment(req: Request, res: Response, id: string, departmentId: string | undefined, values?: FormValues, refusal: Refusal = { errors: {} }) {
    const { organisation, department, parents } = await this.organisations.departmentForm(req.actor!, id, departmentId);
    const shown = values ?? { name: department?.name ?? '', parentId: department?.parentId ?? '' };
    const model = await this.pages.model(
      req,
      { titleKey: department ? 'organisations.department_edit_title' : 'organisations.department_new_title', form: { values: shown, ...refusal } },
      {
        organisation: { id: organisation.id, name: organisation.name },
        department: department && { id: department.id, name: department.name },
        parents: parents.map((node) => ({ id: node.id, label: indented(node.name, node.depth), selected: node.id === shown.parentId })),
      },
    );
    res.render('admin/organisations-department', model);
  }

  private async renderLocation(req: Request, res: Response, organisation: Organisation, locationId: string | undefined, values: FormValues, refusal: Refusal = { errors: {} }) {
    const model = await this.pages.model(
      req,
      { titleKey: locationId ? 'organisations.location_edit_title' : 'organisations.location_new_title', form: { values, ...refusal } },
      { organisation: { id: organisation.id, name: organisation.name }, locationId, maxAddress: MAX_ADDRESS },
    );
    res.render('admin/organisations-location', model);
  }
}

/** The edit form's values as stored; mail domains one per line, as people read them. */
function savedValues(organisation: Organisation): FormValues {
  return {
    name: organisation.name,
    code: organisation.code ?? '',
    emailDomains: organisation.emailDomains.map(displayDomain).join('\n'),
    active: organisation.active,
    selfRegistration: organisation.selfRegistration,
    requestsShared: organisation.requestsShared,
  };
}

/** A department's name in a <select>, its depth shown by leading spaces (options cannot be styled). */
function indented(name: string, depth: number): string {
  return `${'\u00a0\u00a0\u00a0'.repeat(depth)}${depth > 0 ? '└\u00a0' : ''}${name}`;
}

interface DepartmentView {
  id: string;
  name: string;
  children: DepartmentView[];
}

/** The flattened tree (parents before children, with depths) as nested lists for the page. */
function nestDepartments(nodes: ReadonlyArray<{ id: string; name: string; depth: number }>): DepartmentView[] {
  const roots: DepartmentView[] = [];
  const path: DepartmentView[] = [];
  for (const node of nodes) {
    const view: DepartmentView = { id: node.id, name: node.name, children: [] };
    path.length = Math.min(node.depth, path.length);
    (path.at(-1)?.children ?? roots).push(view);
    path.push(view);
  }
  return roots;
}
