import { Injectable } from '@nestjs/common';
import type { ValidateFunction } from 'ajv';
import { NotFoundError } from '../web/domain-error';
import { createAjv } from './json-schema';
import type { SettingsSchema } from './plugin-manifest';
import { PluginRegistry } from './plugin-registry.service';
import { coerceSettingsInput, fieldErrors, schemaDefaults, type FieldError } from './settings-form';

export type SettingsSaveResult =
  | { ok: true; values: Record<string, unknown> }
  | { ok: false; values: Record<string, unknown>; errors: Record<string, FieldError> };

/**
 * A plugin's settings: declared as a JSON schema in its manifest, edited on the generated form,
 * stored with the plugin's state. Plugins read theirs with `get()`; the form saves with `save()`.
 */
@Injectable()
export class PluginSettings {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly registry: PluginRegistry) {}

  /** The plugin's settings schema, or undefined when it declares none (or is unknown). */
  schemaOf(plugin: string): SettingsSchema | undefined {
    return this.registry.find(plugin)?.manifest?.opora.settings;
  }

  /** The saved settings laid over the schema's defaults. */
  get<T extends Record<string, unknown> = Record<string, unknown>>(plugin: string): T {
    const schema = this.schemaOf(plugin);
    const defaults = schema ? schemaDefaults(schema) : {};
    return { ...defaults, ...this.registry.savedSettings(plugin) } as T;
  }

  /**
   * Checks `input` (form strings are turned into the schema's types first) and stores it when
   * valid. Refusals come back by property, never thrown, so the form can show them in place.
   */
  async save(plugin: string, input: Record<string, unknown>): Promise<SettingsSaveResult> {
    const schema = this.schemaOf(plugin);
    if (!schema) throw new NotFoundError();
    const values = coerceSettingsInput(schema, input);
    const validate = this.validatorFor(plugin, schema);
    if (!validate(values)) return { ok: false, values, errors: fieldErrors(validate.errors) };
    await this.registry.saveSettings(plugin, values);
    return { ok: true, values };
  }

  private validatorFor(plugin: string, schema: SettingsSchema): ValidateFunction {
    let validate = this.validators.get(plugin);
    if (!validate) {
      // Defaults are applied when reading, so what is stored is only what the admin chose.
      validate = createAjv().compile(schema);
      this.validators.set(plugin, validate);
    }
    return validate;
  }
}
