import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSchema } from '../database/database.service';
import type { DiscoveredPlugin } from './plugin-manifest';

/** Placeholder until the plugin loader lands: finds plugin folders but loads none. */
export function discoverPlugins(root: string): DiscoveredPlugin[] {
  const dir = join(root, 'modules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => ({ name: entry.name, dir: join(dir, entry.name), status: 'failed' as const, error: 'plugin loading is not built yet' }));
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
