import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { DatabaseSchema } from '../database/database.service';
import { coreVersion } from '../version';
import { checkManifest } from './manifest-check';
import { isPluginDefinition } from './plugin-api';
import type { DiscoveredPlugin, PluginManifest } from './plugin-manifest';

export interface DiscoveryOptions {
  /**
   * Where plugin folders are looked for; default `<root>/modules`. When given (tests), each entry
   * is loaded from the folder itself, `<dir>/<name>/src/index`, as the test runner compiles it.
   */
  modulesDir?: string;
  /** The version compatibility ranges are checked against; default the core's package.json. */
  coreVersion?: string;
}

// This file sits at <out>/src/kernel/plugins in the source tree (ts-jest) and in dist/ alike, and the
// core build compiles modules/<name>/src to <out>/modules/<name>/src: the entry is found from here,
// as .js when running compiled and as .ts under the test runner.
const BUILT_MODULES = join(__dirname, '..', '..', '..', 'modules');

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

function readManifest(dir: string, name: string): { manifest: PluginManifest } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch (error) {
    return { error: `package.json is not valid JSON: ${messageOf(error)}` };
  }
  const checked = checkManifest(raw, name);
  return checked.ok ? { manifest: checked.manifest } : { error: checked.error };
}

function loadEntry(entry: string): { definition: DiscoveredPlugin['definition'] } | { error: string } {
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(entry) as unknown;
  } catch (error) {
    return { error: `loading ${entry} failed: ${messageOf(error)}` };
  }
  const definition = (exported as { default?: unknown } | undefined)?.default;
  if (!isPluginDefinition(definition)) return { error: `${entry} must export default definePlugin({ module, … })` };
  return { definition };
}

/** One plugin folder, checked in order: manifest, compatibility, entry. The first problem settles its status. */
function discoverOne(modulesDir: string, name: string, options: DiscoveryOptions, version: string): DiscoveredPlugin {
  const dir = join(modulesDir, name);
  const read = readManifest(dir, name);
  if ('error' in read) return { name, dir, status: 'failed', error: read.error };
  const manifest = read.manifest;
  const range = manifest.opora.compatibility;
  if (!semver.satisfies(version, range, { includePrerelease: true })) {
    return { name, dir, manifest, status: 'incompatible', error: `plugin ${name} requires core ${range}, but this core is ${version}` };
  }
  const entry = options.modulesDir ? join(realpathSync(dir), 'src', 'index') : join(BUILT_MODULES, name, 'src', 'index');
  const loaded = loadEntry(entry);
  if ('error' in loaded) return { name, dir, manifest, status: 'failed', error: loaded.error };
  return { name, dir, manifest, status: 'loaded', definition: loaded.definition };
}

/**
 * Finds every `modules/<name>/package.json`, checks it and loads the plugin's entry. Nothing here
 * throws for a bad plugin: each one comes back loaded, failed or incompatible with its reason, and
 * the core starts whatever the plugins do.
 */
export function discoverPlugins(root: string, options: DiscoveryOptions = {}): DiscoveredPlugin[] {
  const modulesDir = options.modulesDir ?? join(root, 'modules');
  if (!existsSync(modulesDir)) return [];
  const version = options.coreVersion ?? coreVersion();
  return readdirSync(modulesDir, { withFileTypes: true })
    .filter((entry) => (entry.isDirectory() || entry.isSymbolicLink()) && !entry.name.startsWith('.'))
    .filter((entry) => existsSync(join(modulesDir, entry.name, 'package.json')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => discoverOne(modulesDir, name, options, version));
}

/** The core schema plus the entities and migrations of every plugin that loaded. */
export function schemaWithPlugins(core: DatabaseSchema, plugins: readonly DiscoveredPlugin[]): DatabaseSchema {
  const loaded = plugins.filter((plugin) => plugin.status === 'loaded' && plugin.definition);
  return {
    entities: [...(core.entities as unknown[]), ...loaded.flatMap((plugin) => (plugin.definition!.entities ?? []) as unknown[])] as DatabaseSchema['entities'],
    migrationSets: [
      ...core.migrationSets,
      ...loaded.map((plugin) => ({ source: plugin.name, migrations: plugin.definition!.migrations ?? [] })),
    ],
  };
}
