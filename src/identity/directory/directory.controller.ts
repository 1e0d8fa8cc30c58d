import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { ROLES } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { PageService } from '../../kernel/web/page.service';
import { DIRECTORY_PRESETS, NESTED_GROUPS_MODES, type DirectoryTestReport } from '../ldap';
import { formRefusal } from '../organisations/form-input';
import { isRecordId } from '../organisations/named-records';
import { DirectoryDto, DirectoryTestDto, directoryInputOf, GroupMappingDto, MoveDto } from './directory.dto';
import { type DirectoryListing, DirectoryService } from './directory.service';

type FormValues = Record<string, unknown>;

/** Filter placeholders and examples shown in the hints: passed as values, so i18n leaves their braces alone. */
const FILTER_HINTS = {
  username: '{{username}}',
  userExample: DIRECTORY_PRESETS.openldap.userFilter,
  dn: '{{dn}}',
  groupExample: DIRECTORY_PRESETS.openldap.groupFilter,
};

/** The admin pages of directories: their order, settings, group mappings and the LDAP test. */
@Controller('admin/directories')
export class DirectoryController {
  constructor(
    private readonly directories: DirectoryService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.directories.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    const rows = await this.directories.list();
    const model = await this.pages.model(req, { titleKey: 'directories.title' }, {
      rows: rows.map((row, index) => ({ ...row, url: row.settings.url, first: index === 0, last: index === rows.length - 1 })),
    });
    res.render('admin/directories', model);
  }

  @Get('new')
  @RequirePermission('admin.directories.manage')
  async newForm(@Req() req: Request, @Res() res: Response) {
    const preset = req.query.preset === 'active-directory' ? DIRECTORY_PRESETS['active-directory'] : DIRECTORY_PRESETS.openldap;
    await this.renderForm(req, res, null, { enabled: true, ...formValuesOf(preset) });
  }

  @Post()
  @RequirePermission('admin.directories.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: DirectoryDto) {
    try {
      const id = await this.directories.create(directoryInputOf(body));
      this.pages.flash(req, 'success', 'directories.created');
      res.redirect(303, `/admin/directories/${id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderForm(req, res, null, { ...body, bindPassword: '' }, this.message(req, error));
    }
  }

  @Get(':id')
  @RequirePermission('admin.directories.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const directory = await this.directories.get(checkedId(id));
    await this.renderForm(req, res, directory, formValuesOf({ ...directory.settings, name: directory.name, enabled: directory.enabled }));
  }

  @Post(':id')
  @RequirePermission('admin.directories.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: DirectoryDto) {
    const directory = await this.directories.get(checkedId(id));
    try {
      await this.directories.update(directory.id, directoryInputOf(body));
      this.pages.flash(req, 'success', 'directories.saved');
      res.redirect(303, `/admin/directories/${directory.id}`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      await this.renderForm(req, res, directory, { ...body, bindPassword: '' }, this.message(req, error));
    }
  }

  @Post(':id/move')
  @RequirePermission('admin.directories.manage')
  async move(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: MoveDto) {
    await this.directories.move(checkedId(id), body.direction === 'up' ? -1 : 1);
    res.redirect(303, '/admin/directories');
  }

  @Post(':id/delete')
  @RequirePermission('admin.directories.manage')
  async delete(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.directories.delete(checkedId(id));
    this.pages.flash(req, 'success', 'directories.deleted');
    res.redirect(303, '/admin/directories');
  }

  @Post(':id/mappings')
  @RequirePermission('admin.directories.manage')
  async addMapping(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: GroupMappingDto) {
    const directory = await this.directories.get(checkedId(id));
    try {
      await this.directories.addMapping(directory.id, body);
      this.pages.flash(req, 'success', 'directories.mapping_added');
      res.redirect(303, `/admin/directories/${directory.id}#mappings`);
    } catch (error) {
      if (!formRefusal(error)) throw error;
      res.status(error.status);
      const values = formValuesOf({ ...directory.settings, name: directory.name, enabled: directory.enabled });
      await this.renderForm(req, res, directory, values, undefined, { values: { ...body }, error: this.message(req, error) });
    }
  }

  @Post(':id/mappings/:mappingId/remove')
  @RequirePermission('admin.directories.manage')
  async removeMapping(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Param('mappingId') mappingId: string) {
    await this.directories.removeMapping(checkedId(id), checkedId(mappingId));
    this.pages.flash(req, 'success', 'directories.mapping_removed');
    res.redirect(303, `/admin/directories/${id}#mappings`);
  }

  @Post(':id/test')
  @RequirePermission('admin.directories.manage')
  async test(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: DirectoryTestDto) {
    const directory = await this.directories.get(checkedId(id));
    const [report] = await this.directories.test(directory.id, body.username?.trim() || undefined);
    const values = formValuesOf({ ...directory.settings, name: directory.name, enabled: directory.enabled });
    await this.renderForm(req, res, directory, values, undefined, undefined, { report: report!, username: body.username ?? '' });
  }

  private message(req: Request, error: DomainError): string {
    return this.i18n.t(req.lang, error.i18nKey, error.vars);
  }

  private async renderForm(
    req: Request,
    res: Response,
    directory: DirectoryListing | null,
    values: FormValues,
    error?: string,
    mappingForm?: { values: FormValues; error: string },
    test?: { report: DirectoryTestReport; username: string },
  ) {
    const model = await this.pages.model(req, { titleKey: directory ? 'directories.edit_title' : 'directories.new_title', form: { values, errors: {}, error } }, {
      directory: directory && { id: directory.id, name: directory.name },
      bindPasswordHint: directory?.bindPasswordSealed ? 'directories.bind_password_kept' : 'directories.bind_password_hint',
      mappings: directory?.mappings ?? [],
      mappingForm: mappingForm ?? { values: {} },
      roles: ROLES,
      filterHints: FILTER_HINTS,
      nestedModes: NESTED_GROUPS_MODES.map((mode) => ({ mode, selected: mode === values.nestedGroups })),
      test,
    });
    res.render('admin/directories-edit', model);
  }
}


function checkedId(id: string): string {
  if (!isRecordId(id)) throw new NotFoundError();
  return id;
}

/** Stored (or preset) settings as the form's flat fields. */
function formValuesOf(settings: Record<string, unknown> & { attributes?: Partial<Record<'username' | 'displayName' | 'email', string>> }): FormValues {
  const { attributes, ...rest } = settings;
  return {
    ...rest,
    usernameAttribute: attributes?.username ?? '',
    displayNameAttribute: attributes?.displayName ?? '',
    emailAttribute: attributes?.email ?? '',
  };
}
