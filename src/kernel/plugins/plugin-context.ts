import { Injectable } from '@nestjs/common';
import { PluginRegistry } from './plugin-registry.service';

/**
 * What a plugin may ask about itself. The hook bus and the router already ignore a disabled
 * plugin; code the kernel does not call for it (scheduled jobs, its own timers) asks here first.
 */
@Injectable()
export class PluginContext {
  constructor(private readonly registry: PluginRegistry) {}

  /** Loaded, enabled, and the database has been read: the plugin should do its work. */
  isActive(plugin: string): boolean {
    return this.registry.isActive(plugin);
  }

  /**
   * The plugin's own folder (`modules/<name>`), where its views/ and other files stay: compiled
   * code runs from dist/, so `__dirname` does not lead there.
   */
  dirOf(plugin: string): string {
    const found = this.registry.find(plugin);
    if (!found) throw new Error(`no plugin named "${plugin}" is installed`);
    return found.dir;
  }
}
