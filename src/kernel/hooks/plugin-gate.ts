/**
 * Tells the hook bus whether a plugin's handlers may run now. The plugin registry implements it
 * (loaded and enabled); without one, every plugin counts as active.
 */
export abstract class PluginGate {
  abstract isActive(plugin: string): boolean;
}

/** The gate used when the app provides none: tests, tools, an app without plugins. */
export class AllPluginsActive extends PluginGate {
  isActive(): boolean {
    return true;
  }
}
