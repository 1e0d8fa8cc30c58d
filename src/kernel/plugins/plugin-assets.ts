import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { I18nService } from '../i18n/i18n.service';
import type { Messages } from '../i18n/locale-files';
import type { ViewEngine } from '../web/view-engine';
import type { DiscoveredPlugin } from './plugin-manifest';

function readLocale(plugin: DiscoveredPlugin, file: string): Messages {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`plugin ${plugin.name}: cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`plugin ${plugin.name}: ${file} must hold a JSON object`);
  }
  return parsed as Messages;
}

/**
 * Makes a plugin's partials and strings available: `views/partials/x.hbs` as `{{> <name>/x}}`,
 * `locales/<lang>.json` under `plugin.<name>.`. A broken file throws, which fails this plugin
 * alone at boot (the loader then starts the app without it).
 */
export function registerPluginAssets(plugin: DiscoveredPlugin, views: ViewEngine, i18n: I18nService): void {
  const partials = join(plugin.dir, 'views', 'partials');
  if (existsSync(partials)) views.registerPartialsDir(partials, plugin.name);
  for (const lang of i18n.languages()) {
    const file = join(plugin.dir, 'locales', `${lang}.json`);
    if (existsSync(file)) i18n.addResources(lang, `plugin.${plugin.name}`, readLocale(plugin, file));
  }
}
