import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { PluginGate } from '../hooks/plugin-gate';
import { I18nService } from '../i18n/i18n.service';
import { ViewEngineHolder } from '../web/view-engine.holder';
import { registerPluginAssets } from './plugin-assets';
import { PluginContext } from './plugin-context';
import type { DiscoveredPlugin } from './plugin-manifest';
import { DISCOVERED_PLUGINS, PluginRegistry } from './plugin-registry.service';
import { PluginRouteGuard, PluginRoutes } from './plugin-routes';
import { PluginSettings } from './plugin-settings.service';
import { PluginStateRepository } from './plugin-state.repository';
import { PluginStateSync } from './plugin-state.sync';
import { PluginsController } from './plugins.controller';

/**
 * Imports every plugin that loaded at boot (Nest cannot add modules later); whether each one's
 * handlers and routes are live is decided at run time by the registry.
 */
@Module({})
export class PluginsModule implements OnModuleInit {
  constructor(
    private readonly database: DatabaseService,
    private readonly registry: PluginRegistry,
    private readonly views: ViewEngineHolder,
    private readonly i18n: I18nService,
  ) {}

  static forRoot(plugins: readonly DiscoveredPlugin[]): DynamicModule {
    const loaded = plugins.filter((plugin) => plugin.status === 'loaded' && plugin.definition);
    const exported = [PluginRegistry, PluginGate, PluginSettings, PluginContext, PluginRoutes, PluginRouteGuard];
    return {
      module: PluginsModule,
      global: true,
      imports: loaded.map((plugin) => plugin.definition!.module),
      controllers: [PluginsController],
      providers: [
        { provide: DISCOVERED_PLUGINS, useValue: plugins },
        PluginStateRepository,
        PluginRegistry,
        { provide: PluginGate, useExisting: PluginRegistry },
        PluginSettings,
        PluginContext,
        PluginRoutes,
        PluginRouteGuard,
        PluginStateSync,
      ],
      exports: exported,
    };
  }

  onModuleInit(): void {
    for (const plugin of this.registry.all()) {
      if (plugin.status === 'loaded') registerPluginAssets(plugin, this.views.engine, this.i18n);
    }
    this.database.onReady(() => this.registry.refresh());
  }
}
