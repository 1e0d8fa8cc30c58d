import type { ErrorObject } from 'ajv';
import { createAjv, describeSchemaError } from './json-schema';
import type { PluginManifest, SettingsSchema } from './plugin-manifest';

/** Lowercase words joined by single dashes: the folder name, the hook area, the i18n prefix. */
export const PLUGIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The JSON schema of a plugin's package.json, as far as Opora reads it (docs/plugins.md shows it). */
export const MANIFEST_SCHEMA = {
  type: 'object',
  required: ['name', 'version', 'description', 'opora'],
  properties: {
    name: { type: 'string', pattern: PLUGIN_NAME.source, maxLength: 64 },
    version: { type: 'string', format: 'semver' },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    opora: {
      type: 'object',
      required: ['compatibility'],
      additionalProperties: false,
      properties: {
        compatibility: { type: 'string', format: 'semver-range' },
        settings: { type: 'object' },
      },
    },
  },
} as const;

/** What the settings form can show: an object of scalar properties, optionally with an enum. */
const SETTINGS_SHAPE = {
  type: 'object',
  required: ['type', 'properties'],
  properties: {
    type: { const: 'object' },
    properties: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: ['string', 'number', 'integer', 'boolean'] } },
      },
    },
  },
} as const;

const ajv = createAjv();
const validateManifest = ajv.compile(MANIFEST_SCHEMA);
const validateSettingsShape = ajv.compile(SETTINGS_SHAPE);

export type ManifestCheck = { ok: true; manifest: PluginManifest } | { ok: false; error: string };

/**
 * Checks a parsed package.json of the plugin in folder `folder`. Every refusal is one line naming
 * the field, so the admin page can show it as it is.
 */
export function checkManifest(raw: unknown, folder: string): ManifestCheck {
  if (!validateManifest(raw)) return { ok: false, error: `invalid manifest: ${describeSchemaError(validateManifest.errors)}` };
  const manifest = raw as unknown as PluginManifest;
  if (manifest.name !== folder) {
    return { ok: false, error: `invalid manifest: name "${manifest.name}" must equal the folder name "${folder}"` };
  }
  const settings = manifest.opora.settings;
  if (settings !== undefined) {
    const problem = settingsSchemaProblem(settings);
    if (problem) return { ok: false, error: `invalid manifest: opora.settings ${problem}` };
  }
  return { ok: true, manifest };
}

/** Why a settings schema cannot be used, or undefined when it can. */
export function settingsSchemaProblem(schema: unknown): string | undefined {
  if (!validateSettingsShape(schema)) {
    return `must be an object schema whose properties are strings, numbers, integers or booleans (${describeSchemaError(validateSettingsShape.errors).replace(/^manifest /, '')})`;
  }
  let validate;
  try {
    validate = createAjv().compile(schema as SettingsSchema);
  } catch (error) {
    return `is not a schema ajv can compile: ${(error as Error).message}`;
  }
  // A default that its own rules refuse would make the untouched form unsavable.
  for (const [key, property] of Object.entries((schema as SettingsSchema).properties)) {
    if (property.default === undefined) continue;
    validate({ [key]: property.default });
    const own = (validate.errors ?? []).filter((error: ErrorObject) => error.instancePath === `/${key}`);
    if (own.length) return `default of "${key}" ${own[0]!.message ?? 'is not valid'}`;
  }
  return undefined;
}
