import { Body, Controller, Get, Param, Post, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../i18n/i18n.service';
import { RequirePermission } from '../security/permissions';
import { DomainError, NotFoundError } from '../web/domain-error';
import { PageService } from '../web/page.service';
import { PLUGIN_NAME } from './manifest-check';
import { PluginRegistry } from './plugin-registry.service';
import { PluginSettings } from './plugin-settings.service';
import type { FieldError } from './settings-form';
import { pluginRow, settingsForm } from './plugins.view';

/** The plugins page: status, enable/disable, and each plugin's generated settings form. */
@Controller('admin/plugins')
export class PluginsController {
  constructor(
    private readonly registry: PluginRegistry,
    private readonly settings: PluginSettings,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.plugins.manage')
  @Render('admin/plugins')
  async list(@Req() req: Request) {
    const plugins = this.registry.list().map((plugin) => pluginRow(plugin, this.settings.schemaOf(plugin.name) !== undefined));
    return this.pages.model(req, { titleKey: 'plugins.title' }, { plugins });
  }

  @Post(':name/enable')
  @RequirePermission('admin.plugins.manage')
  async enable(@Req() req: Request, @Res() res: Response, @Param('name') name: string) {
    await this.flip(req, res, name, true);
  }

  @Post(':name/disable')
  @RequirePermission('admin.plugins.manage')
  async disable(@Req() req: Request, @Res() res: Response, @Param('name') name: string) {
    await this.flip(req, res, name, false);
  }

  @Get(':name/settings')
  @RequirePermission('admin.plugins.manage')
  async settingsPage(@Req() req: Request, @Res() res: Response, @Param('name') name: string) {
    await this.renderSettings(req, res, name, this.settings.get(this.known(name)));
  }

  @Post(':name/settings')
  @RequirePermission('admin.plugins.manage')
  async saveSettings(@Req() req: Request, @Res() res: Response, @Param('name') name: string, @Body() body: Record<string, unknown>) {
    const result = await this.settings.save(this.known(name), body);
    if (result.ok) {
      this.pages.flash(req, 'success', 'plugins.saved');
      return res.redirect(303, `/admin/plugins/${name}/settings`);
    }
    res.status(400);
    await this.renderSettings(req, res, name, result.values, result.errors);
  }

  /** Post/redirect/get: the outcome travels as a flash message to the list. */
  private async flip(req: Request, res: Response, name: string, enabled: boolean): Promise<void> {
    try {
      await this.registry.setEnabled(this.known(name), enabled, req.actor?.id ?? null);
      this.pages.flash(req, 'success', enabled ? 'plugins.enabled_done' : 'plugins.disabled_done');
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof NotFoundError) throw error;
      this.pages.flash(req, 'error', error.i18nKey);
    }
    res.redirect(303, '/admin/plugins');
  }

  private async renderSettings(req: Request, res: Response, name: string, values: Record<string, unknown>, errors?: Record<string, FieldError>) {
    const schema = this.settings.schemaOf(name);
    if (!schema) throw new NotFoundError();
    const plugin = this.registry.list().find((row) => row.name === name)!;
    const fields = settingsForm(this.i18n, req.lang, name, schema, values, errors);
    const form = errors ? { error: this.i18n.t(req.lang, 'errors.invalid_form') } : {};
    res.render('admin/plugin-settings', await this.pages.model(req, { titleKey: 'plugins.settings_title', form }, { plugin, fields }));
  }

  private known(name: string): string {
    if (!PLUGIN_NAME.test(name) || !this.registry.find(name)) throw new NotFoundError();
    return name;
  }
}
