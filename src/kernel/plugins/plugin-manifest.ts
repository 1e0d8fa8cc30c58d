import type { DynamicModule, Type } from '@nestjs/common';
import type { EntityList } from '../database/database.service';
import type { MigrationClass } from '../database/migrator';

/** One setting of a plugin, as its JSON schema describes it; the form knows these four types. */
export interface SettingSchema {
  type: 'string' | 'number' | 'integer' | 'boolean';
  title?: string;
  description?: string;
  default?: unknown;
  enum?: readonly unknown[];
  [keyword: string]: unknown;
}

/** The object schema of a plugin's settings (`opora.settings`). */
export interface SettingsSchema {
  type: 'object';
  properties: Record<string, SettingSchema>;
  required?: string[];
  [keyword: string]: unknown;
}

/** The `opora` block of a plugin's package.json. */
export interface OporaManifestBlock {
  /** Semver range of the core versions the plugin works with, e.g. "^0.1.0". */
  compatibility: string;
  /** JSON schema (an object schema) of the plugin's settings; rendered as the settings form. */
  settings?: SettingsSchema;
}

export interface PluginManifest {
  name: string;
  version: string;
  description: string;
  opora: OporaManifestBlock;
}

/** What a plugin's entry file exports as default, built with definePlugin(). */
export interface PluginDefinition {
  module: Type<unknown> | DynamicModule;
  entities?: EntityList;
  migrations?: readonly MigrationClass[];
}

/** Found at boot: loaded, or not, with the reason shown to admins. */
export type PluginStatus = 'loaded' | 'failed' | 'incompatible';

export interface DiscoveredPlugin {
  readonly name: string;
  readonly dir: string;
  readonly manifest?: PluginManifest;
  status: PluginStatus;
  error?: string;
  readonly definition?: PluginDefinition;
}
