import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Resource } from 'i18next';
import { projectRoot } from '../paths';
import { LANGUAGES } from './languages';

/** Where the kernel's locale files live: the source tree, also when running from dist/. */
export function localesDir(): string {
  return join(projectRoot(), 'src', 'kernel', 'i18n', 'locales');
}

/** A nested object of strings, as found in a locale file. */
export interface Messages {
  [key: string]: string | Messages;
}

function isMessages(value: unknown): value is Messages {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads `<lang>.json` for every supported language. A missing or broken file stops the start with
 * the file named: a half-translated interface is better caught at boot than by a user.
 */
export function loadLocaleFiles(dir: string = localesDir()): Resource {
  const resources: Resource = {};
  for (const lang of LANGUAGES) {
    const file = join(dir, `${lang}.json`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`Cannot read locale file ${file}: ${(error as Error).message}`);
    }
    if (!isMessages(parsed)) throw new Error(`Locale file ${file} must hold a JSON object`);
    resources[lang] = { translation: parsed };
  }
  return resources;
}
