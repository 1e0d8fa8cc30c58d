import type { PluginDefinition } from './plugin-manifest';

// Symbol.for: the mark must survive the entry file and the loader getting separate copies of this
// module (a test runner's module registry, a plugin built against another checkout).
const DEFINED = Symbol.for('opora.plugin-definition');

function isModuleLike(value: unknown): boolean {
  if (typeof value === 'function') return true;
  return typeof value === 'object' && value !== null && typeof (value as { module?: unknown }).module === 'function';
}

/**
 * Declares a plugin: the default export of `modules/<name>/src/index.ts`. Checks the shape at once,
 * so a mistake fails the plugin at boot with a message rather than somewhere inside Nest.
 */
export function definePlugin<T extends PluginDefinition>(definition: T): T {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('definePlugin() needs an object');
  if (!isModuleLike(definition.module)) throw new TypeError('definePlugin(): `module` must be a Nest module class or a dynamic module');
  if (definition.entities !== undefined && !Array.isArray(definition.entities)) throw new TypeError('definePlugin(): `entities` must be an array');
  const migrations = definition.migrations;
  if (migrations !== undefined && (!Array.isArray(migrations) || !migrations.every((m) => typeof m === 'function'))) {
    throw new TypeError('definePlugin(): `migrations` must be an array of migration classes');
  }
  return Object.defineProperty({ ...definition }, DEFINED, { value: true, enumerable: false }) as T;
}

/** Whether `value` came out of definePlugin(). */
export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DEFINED] === true;
}
