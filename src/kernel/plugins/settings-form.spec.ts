import type { SettingsSchema } from './plugin-manifest';
import { createAjv } from './json-schema';
import { coerceSettingsInput, fieldErrors, schemaDefaults, settingFields } from './settings-form';

const schema: SettingsSchema = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 5, title: 'Name' },
    ratio: { type: 'number', minimum: 0 },
    count: { type: 'integer', default: 3 },
    on: { type: 'boolean', default: true },
    size: { type: 'string', enum: ['s', 'm'] },
  },
};

describe('coerceSettingsInput', () => {
  it('turns form strings into the schema types and drops everything else', () => {
    expect(coerceSettingsInput(schema, { name: 'Ann', ratio: '0.5', count: '7', on: 'on', size: 'm', _csrf: 'x', extra: 1 })).toEqual({
      name: 'Ann',
      ratio: 0.5,
      count: 7,
      on: true,
      size: 'm',
    });
  });

  it('reads an absent checkbox as false and leaves blank fields out', () => {
    expect(coerceSettingsInput(schema, { name: '', ratio: ' ', count: '' })).toEqual({ on: false });
  });

  it('keeps what is no number as text, for the check to report', () => {
    expect(coerceSettingsInput(schema, { ratio: 'lots' })).toMatchObject({ ratio: 'lots' });
  });

  it('takes the last of repeated fields and keeps real JSON types', () => {
    expect(coerceSettingsInput(schema, { name: ['a', 'b'], ratio: 2, on: false })).toEqual({ name: 'b', ratio: 2, on: false });
  });
});

describe('fieldErrors', () => {
  const validate = createAjv().compile(schema);
  const errorsFor = (input: Record<string, unknown>) => {
    validate(coerceSettingsInput(schema, input));
    return fieldErrors(validate.errors);
  };

  it('gives one message per field, as i18n keys with values', () => {
    expect(errorsFor({ ratio: '-1', count: '1.5', size: 'xl' })).toEqual({
      name: { key: 'validation.required', vars: {} },
      ratio: { key: 'plugins.settings_errors.minimum', vars: { limit: 0 } },
      count: { key: 'plugins.settings_errors.integer', vars: {} },
      size: { key: 'validation.one_of', vars: { values: 's, m' } },
    });
    expect(errorsFor({ name: 'too long', ratio: 'x' })).toEqual({
      name: { key: 'validation.too_long', vars: { count: 5 } },
      ratio: { key: 'validation.not_a_number', vars: {} },
    });
  });
});

describe('settingFields and schemaDefaults', () => {
  it('describe one control per property', () => {
    const fields = settingFields(schema, { name: 'Ann', ratio: 0.5, on: true, size: 'm' });
    expect(fields.map((field) => [field.name, field.kind, field.value])).toEqual([
      ['name', 'text', 'Ann'],
      ['ratio', 'number', '0.5'],
      ['count', 'number', ''],
      ['on', 'checkbox', 'true'],
      ['size', 'select', 'm'],
    ]);
    expect(fields[0]).toMatchObject({ required: true, title: 'Name' });
    expect(fields[1]!.step).toBe('any');
    expect(fields[2]!.step).toBe('1');
    expect(fields[3]!.checked).toBe(true);
    expect(fields[4]!.options).toEqual([
      { value: 's', selected: false },
      { value: 'm', selected: true },
    ]);
  });

  it('collects the declared defaults', () => {
    expect(schemaDefaults(schema)).toEqual({ count: 3, on: true });
  });
});
