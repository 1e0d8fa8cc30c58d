import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_KEYS, envNameOf, type ConfigName, type ConfigValues } from './config-keys';
import { parseValue } from './config-parse';

/** Raised when configuration is unusable; each line names one key and what it expects. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Folder with default.yml and local.yml. */
  configDir: string;
  env: Record<string, string | undefined>;
}

/** The files in ascending precedence; the environment comes after both. */
const FILES = ['default.yml', 'local.yml'] as const;

/** Flattens nested YAML sections into dotted keys (`mail: {poll_seconds: 5}` → `mail.poll_seconds`). */
function flatten(tree: unknown, prefix = ''): Array<[string, unknown]> {
  if (tree === null || typeof tree !== 'object' || Array.isArray(tree)) return [[prefix, tree]];
  return Object.entries(tree as Record<string, unknown>).flatMap(([name, value]) =>
    flatten(value, prefix ? `${prefix}.${name}` : name),
  );
}

function isKnown(key: string): key is ConfigName {
  return Object.prototype.hasOwnProperty.call(CONFIG_KEYS, key);
}

function shown(key: ConfigName, raw: unknown): string {
  return CONFIG_KEYS[key].secret ? '(hidden)' : JSON.stringify(raw);
}

/**
 * Reads built-in defaults < config/default.yml < config/local.yml < environment, checks every
 * value against its declaration and returns the typed result, or throws a ConfigError listing
 * every problem at once (so an operator fixes them in one go).
 */
export function loadConfig(sources: ConfigSources): ConfigValues {
  const values: Record<string, unknown> = {};
  const origin: Record<string, string> = {};
  const problems: string[] = [];

  for (const key of Object.keys(CONFIG_KEYS) as ConfigName[]) values[key] = CONFIG_KEYS[key].default;

  const accept = (key: ConfigName, raw: unknown, where: string) => {
    const result = parseValue(CONFIG_KEYS[key].type, raw);
    if (result.ok) {
      values[key] = result.value;
      origin[key] = where;
    } else {
      problems.push(`${envNameOf(key)} (${key} in ${where}) is ${shown(key, raw)}: expected ${result.expected}`);
    }
  };

  for (const file of FILES) {
    const path = join(sources.configDir, file);
    if (!existsSync(path)) continue;
    let tree: unknown;
    try {
      tree = parseYaml(readFileSync(path, 'utf8'));
    } catch (error) {
      problems.push(`config/${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    if (tree === null || tree === undefined) continue;
    for (const [key, raw] of flatten(tree)) {
      if (!isKnown(key)) problems.push(`config/${file} has an unknown key "${key}"`);
      else if (raw !== null) accept(key, raw, `config/${file}`);
    }
  }

  for (const key of Object.keys(CONFIG_KEYS) as ConfigName[]) {
    const raw = sources.env[envNameOf(key)];
    if (raw !== undefined && raw !== '') accept(key, raw, 'the environment');
  }

  if (problems.length) throw new ConfigError(problems);
  return values as unknown as ConfigValues;
}
