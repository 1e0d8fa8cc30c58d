import type { ErrorObject } from 'ajv';
import type { SettingSchema, SettingsSchema } from './plugin-manifest';

/** A message for one field: an i18n key and its placeholder values. */
export interface FieldError {
  key: string;
  vars: Record<string, unknown>;
}

/** One control of the generated settings form. */
export interface SettingField {
  name: string;
  kind: 'text' | 'number' | 'checkbox' | 'select';
  /** "any" for numbers, "1" for integers: the browser's own check must not refuse 0.5. */
  step?: string;
  required: boolean;
  title?: string;
  description?: string;
  /** The value as the input shows it. */
  value: string;
  checked: boolean;
  options: Array<{ value: string; selected: boolean }>;
}

export function settingEntries(schema: SettingsSchema): Array<[string, SettingSchema]> {
  return Object.entries(schema.properties);
}

/** The defaults the schema declares, by property. */
export function schemaDefaults(schema: SettingsSchema): Record<string, unknown> {
  return Object.fromEntries(settingEntries(schema).filter(([, p]) => p.default !== undefined).map(([key, p]) => [key, p.default]));
}

function lastString(raw: unknown): unknown {
  // A field posted twice arrives as an array; the last one is what the user sees.
  return Array.isArray(raw) ? raw[raw.length - 1] : raw;
}

function coerceOne(property: SettingSchema, raw: unknown): unknown {
  const value = lastString(raw);
  if (property.type === 'boolean') {
    // An unticked checkbox sends nothing at all, so absence means false.
    if (typeof value === 'boolean') return value;
    return value !== undefined && value !== '' && value !== 'false' && value !== '0';
  }
  if (value === undefined || value === null) return undefined;
  if (property.type === 'number' || property.type === 'integer') {
    if (typeof value === 'number') return value;
    const text = String(value).trim();
    if (text === '') return undefined;
    const number = Number(text);
    // Left as text when it is no number, so the schema check reports it against the field.
    return Number.isFinite(number) ? number : text;
  }
  const text = String(value);
  return text === '' ? undefined : text;
}

/**
 * Turns what a form (or the CLI) sent into values of the schema's types. Only the schema's
 * properties are kept (the CSRF token and anything else posted are dropped); a blank field is left
 * out, so its default applies or, when it has none and is required, "required" is reported.
 */
export function coerceSettingsInput(schema: SettingsSchema, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, property] of settingEntries(schema)) {
    const value = coerceOne(property, Object.hasOwn(input, key) ? input[key] : undefined);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function errorFor(error: ErrorObject): FieldError {
  const limit = error.params['limit'];
  switch (error.keyword) {
    case 'required':
      return { key: 'validation.required', vars: {} };
    case 'type':
      return error.params['type'] === 'integer'
        ? { key: 'plugins.settings_errors.integer', vars: {} }
        : error.params['type'] === 'number'
          ? { key: 'validation.not_a_number', vars: {} }
          : { key: 'plugins.settings_errors.invalid', vars: {} };
    case 'maxLength':
      return { key: 'validation.too_long', vars: { count: limit } };
    case 'minLength':
      return { key: 'validation.too_short', vars: { count: limit } };
    case 'enum':
      return { key: 'validation.one_of', vars: { values: (error.params['allowedValues'] as unknown[]).join(', ') } };
    case 'minimum':
    case 'exclusiveMinimum':
      return { key: 'plugins.settings_errors.minimum', vars: { limit } };
    case 'maximum':
    case 'exclusiveMaximum':
      return { key: 'plugins.settings_errors.maximum', vars: { limit } };
    case 'pattern':
    case 'format':
      return { key: 'plugins.settings_errors.format', vars: {} };
    default:
      return { key: 'plugins.settings_errors.invalid', vars: {} };
  }
}

/** ajv's errors as one message per property (the first one found for it). */
export function fieldErrors(errors: readonly ErrorObject[] | null | undefined): Record<string, FieldError> {
  const out: Record<string, FieldError> = {};
  for (const error of errors ?? []) {
    const field = error.keyword === 'required' ? String(error.params['missingProperty']) : (error.instancePath.split('/')[1] ?? '');
    const key = field || '_form';
    out[key] ??= errorFor(error);
  }
  return out;
}

function shown(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

/** The form's controls, filled with `values` (saved settings, or what was just typed). */
export function settingFields(schema: SettingsSchema, values: Record<string, unknown>): SettingField[] {
  const required = new Set(schema.required ?? []);
  return settingEntries(schema).map(([name, property]) => {
    const value = shown(values[name]);
    const base = { name, required: required.has(name), title: property.title, description: property.description, value, checked: false, options: [] };
    if (property.enum) {
      return { ...base, kind: 'select', options: property.enum.map((option) => ({ value: String(option), selected: String(option) === value })) };
    }
    if (property.type === 'boolean') return { ...base, kind: 'checkbox', checked: values[name] === true };
    if (property.type === 'number' || property.type === 'integer') return { ...base, kind: 'number', step: property.type === 'integer' ? '1' : 'any' };
    return { ...base, kind: 'text' };
  });
}
