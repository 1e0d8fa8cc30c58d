import { Inject, Injectable, Logger } from '@nestjs/common';
import { HookBus } from '../hooks/hook-bus';
import { PluginGate } from '../hooks/plugin-gate';
import { UnitOfWork } from '../database/unit-of-work';
import { DomainError, NotFoundError } from '../web/domain-error';
import type { DiscoveredPlugin, PluginStatus } from './plugin-manifest';
import { PluginStateRepository } from './plugin-state.repository';

export const DISCOVERED_PLUGINS = Symbol('DISCOVERED_PLUGINS');

export interface PluginView {
  name: string;
  version: string;
  description: string;
  status: PluginStatus;
  error: string | null;
  enabled: boolean;
  handlerErrors: number;
}

/**
 * The plugins found at boot and the admin's choices about them. It is the hook bus's gate: a
 * plugin's handlers run only while it is loaded and enabled. The enabled flags live in the
 * database and are cached here; flipping one takes effect at once, with no restart.
 */
@Injectable()
export class PluginRegistry extends PluginGate {
  private readonly log = new Logger('Plugins');
  private enabled = new Set<string>();
  private settings = new Map<string, Record<string, unknown>>();
  // Bumped by every local change, so a refresh that read the table before it cannot undo it.
  private generation = 0;
  private warned = false;

  constructor(
    @Inject(DISCOVERED_PLUGINS) private readonly plugins: readonly DiscoveredPlugin[],
    private readonly states: PluginStateRepository,
    private readonly uow: UnitOfWork,
    private readonly hooks: HookBus,
  ) {
    super();
  }

  /**
   * Reads the flags and settings from the database: once it is ready, then now and then, so a
   * change made through another node (or the CLI on PostgreSQL) reaches this one too.
   */
  async refresh(): Promise<void> {
    const generation = this.generation;
    const rows = await this.states.all();
    if (generation === this.generation) {
      this.enabled = new Set(rows.filter((row) => row.enabled).map((row) => row.name));
      this.settings = new Map(rows.map((row) => [row.name, row.settings]));
    }
    if (this.warned) return;
    this.warned = true;
    for (const plugin of this.plugins.filter((p) => p.status !== 'loaded')) {
      this.log.warn(`plugin ${plugin.name} is ${plugin.status}: ${plugin.error}`);
    }
  }

  isActive(name: string): boolean {
    return this.enabled.has(name) && this.find(name)?.status === 'loaded';
  }

  list(): PluginView[] {
    const errors = this.hooks.errorCounts();
    return [...this.plugins]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((plugin) => ({
        name: plugin.name,
        version: plugin.manifest?.version ?? '?',
        description: plugin.manifest?.description ?? '',
        status: plugin.status,
        error: plugin.error ?? null,
        enabled: this.enabled.has(plugin.name),
        handlerErrors: errors[plugin.name] ?? 0,
      }));
  }

  find(name: string): DiscoveredPlugin | undefined {
    return this.plugins.find((plugin) => plugin.name === name);
  }

  /** Every plugin found at boot, whatever its status. */
  all(): readonly DiscoveredPlugin[] {
    return this.plugins;
  }

  /** The saved settings of a plugin (defaults from its schema are applied by the settings service). */
  savedSettings(name: string): Record<string, unknown> {
    return this.settings.get(name) ?? {};
  }

  async setEnabled(name: string, enabled: boolean, actorId: string | null): Promise<void> {
    const plugin = this.find(name);
    if (!plugin) throw new NotFoundError();
    if (enabled && plugin.status !== 'loaded') throw new DomainError('plugin_not_loaded', 'plugins.errors.not_loaded', 409);
    await this.uow.transaction(async () => {
      await this.states.setEnabled(name, enabled);
      this.uow.afterCommit(() => {
        this.generation++;
        if (enabled) this.enabled.add(name);
        else this.enabled.delete(name);
      });
      this.hooks.doAction(enabled ? 'plugin.enabled' : 'plugin.disabled', { plugin: name, actorId });
    });
  }

  async saveSettings(name: string, settings: Record<string, unknown>): Promise<void> {
    await this.states.saveSettings(name, settings);
    this.generation++;
    this.settings.set(name, settings);
  }
}
