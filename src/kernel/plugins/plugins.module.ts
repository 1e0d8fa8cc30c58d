import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { DatabaseService } from '../database/database.service';
import { PluginGate } from '../hooks/plugin-gate';
import type { DiscoveredPlugin } from './plugin-manifest';
import { DISCOVERED_PLUGINS, PluginRegistry } from './plugin-registry.service';
import { PluginStateRepository } from './plugin-state.repository';

/**
 * Imports every plugin that loaded at boot (Nest cannot add modules later); whether each one's
 * handlers and routes are live is decided at run time by the registry.
 */
@Module({})
export class PluginsModule implements OnModuleInit {
  constructor(
    private readonly database: DatabaseService,
    private readonly registry: PluginRegistry,
  ) {}

  static forRoot(plugins: readonly DiscoveredPlugin[]): DynamicModule {
    const loaded = plugins.filter((plugin) => plugin.status === 'loaded' && plugin.definition);
    return {
      module: PluginsModule,
      global: true,
      imports: loaded.map((plugin) => plugin.definition!.module),
      providers: [
        { provide: DISCOVERED_PLUGINS, useValue: plugins },
        PluginStateRepository,
        PluginRegistry,
        { provide: PluginGate, useExisting: PluginRegistry },
      ],
      exports: [PluginRegistry, PluginGate],
    };
  }

  onModuleInit(): void {
    this.database.onReady(() => this.registry.refresh());
  }
}
