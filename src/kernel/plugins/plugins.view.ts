import type { I18nService } from '../i18n/i18n.service';
import type { PluginView } from './plugin-registry.service';
import type { SettingsSchema } from './plugin-manifest';
import { settingFields, type FieldError } from './settings-form';

/** One row of the plugins table. */
export function pluginRow(plugin: PluginView, hasSettings: boolean) {
  return {
    ...plugin,
    statusKey: `plugins.statuses.${plugin.status}`,
    canEnable: !plugin.enabled && plugin.status === 'loaded',
    hasSettings,
  };
}

/** A plugin's own translation if it ships one, else what its schema says, else the property name. */
function labelled(i18n: I18nService, lang: string, key: string, fallback: string | undefined): string | undefined {
  const text = i18n.t(lang, key);
  return text !== key ? text : fallback;
}

/**
 * The settings form's controls with their labels and help in the reader's language. A plugin may
 * translate them in its locale files under `settings.<property>.title` / `.description`.
 */
export function settingsForm(
  i18n: I18nService,
  lang: string,
  plugin: string,
  schema: SettingsSchema,
  values: Record<string, unknown>,
  errors: Record<string, FieldError> = {},
) {
  return settingFields(schema, values).map((field) => {
    const prefix = `plugin.${plugin}.settings.${field.name}`;
    const error = errors[field.name];
    return {
      ...field,
      label: labelled(i18n, lang, `${prefix}.title`, field.title) ?? field.name,
      help: labelled(i18n, lang, `${prefix}.description`, field.description),
      error: error ? i18n.t(lang, error.key, error.vars) : undefined,
    };
  });
}
