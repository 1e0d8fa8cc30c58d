import { applies, checkCustom, coerce, type FieldDefinition } from './custom-fields';

const field = (over: Partial<FieldDefinition> & Pick<FieldDefinition, 'key' | 'kind'>): FieldDefinition => ({
  label: over.key,
  options: [],
  required: false,
  types: [],
  serviceId: null,
  category: null,
  visibleWhen: null,
  ...over,
});
const context = { type: 'service_request', serviceId: 's-laptops', category: 'Оборудование' };

describe('applies', () => {
  it('follows type, service and category, each optional', () => {
    expect(applies(field({ key: 'a', kind: 'text' }), context)).toBe(true);
    expect(applies(field({ key: 'a', kind: 'text', types: ['incident'] }), context)).toBe(false);
    expect(applies(field({ key: 'a', kind: 'text', types: ['incident', 'service_request'] }), context)).toBe(true);
    expect(applies(field({ key: 'a', kind: 'text', serviceId: 's-other' }), context)).toBe(false);
    expect(applies(field({ key: 'a', kind: 'text', category: 'оборудование' }), context)).toBe(true);
    expect(applies(field({ key: 'a', kind: 'text', category: 'Сеть' }), context)).toBe(false);
  });
});

describe('coerce', () => {
  it.each([
    [field({ key: 'n', kind: 'number' }), '42', { value: 42 }],
    [field({ key: 'n', kind: 'number' }), '3,5', { value: 3.5 }],
    [field({ key: 'n', kind: 'number' }), '1e9', { refusal: 'fields.errors.number' }],
    [field({ key: 'n', kind: 'number' }), 'many', { refusal: 'fields.errors.number' }],
    [field({ key: 'd', kind: 'date' }), '2026-02-28', { value: '2026-02-28' }],
    [field({ key: 'd', kind: 'date' }), '2026-02-30', { refusal: 'fields.errors.date' }],
    [field({ key: 's', kind: 'select', options: ['A4', 'A3'] }), 'A3', { value: 'A3' }],
    [field({ key: 's', kind: 'select', options: ['A4', 'A3'] }), 'A5', { refusal: 'fields.errors.option' }],
    [field({ key: 'c', kind: 'checkbox' }), 'on', { value: true }],
    [field({ key: 'c', kind: 'checkbox' }), undefined, { value: false }],
    [field({ key: 't', kind: 'text' }), '  Кабинет 12 ', { value: 'Кабинет 12' }],
    [field({ key: 't', kind: 'text' }), '   ', {}],
    [field({ key: 't', kind: 'text' }), { nested: true }, { refusal: 'fields.errors.value' }],
    [field({ key: 't', kind: 'text' }), 'я'.repeat(2001), { refusal: 'validation.too_long' }],
  ])('%#', (definition, raw, expected) => {
    expect(coerce(definition, raw)).toEqual(expected);
  });
});

describe('checkCustom', () => {
  const fields = [
    field({ key: 'model', kind: 'select', options: ['ThinkPad', 'MacBook'], required: true }),
    field({ key: 'charger', kind: 'checkbox', visibleWhen: { field: 'model', equals: 'MacBook' } }),
    field({ key: 'wattage', kind: 'number', required: true, visibleWhen: { field: 'charger', equals: 'true' } }),
    field({ key: 'incident_only', kind: 'text', required: true, types: ['incident'] }),
  ];

  it('keeps only fields that apply and are shown, and requires only what is shown', () => {
    expect(checkCustom(fields, context, { model: 'ThinkPad', charger: 'on', wattage: '65', incident_only: 'x', unknown: 'y' })).toEqual({ values: { model: 'ThinkPad' }, refusals: [] });
    expect(checkCustom(fields, context, { model: 'MacBook', charger: 'on', wattage: '96' })).toEqual({ values: { model: 'MacBook', charger: true, wattage: 96 }, refusals: [] });
    expect(checkCustom(fields, context, { model: 'MacBook' })).toEqual({ values: { model: 'MacBook', charger: false }, refusals: [] });
  });

  it('refuses a shown required field left empty and a malformed value, naming the field', () => {
    expect(checkCustom(fields, context, {}).refusals).toEqual([{ key: 'model', i18nKey: 'validation.required' }]);
    expect(checkCustom(fields, context, { model: 'MacBook', charger: 'on' }).refusals).toEqual([{ key: 'wattage', i18nKey: 'validation.required' }]);
    expect(checkCustom(fields, context, { model: 'Dell' }).refusals).toEqual([{ key: 'model', i18nKey: 'fields.errors.option' }]);
  });

  it('hides fields in a cycle of conditions instead of looping', () => {
    const cyclic = [field({ key: 'a', kind: 'text', visibleWhen: { field: 'b', equals: 'x' } }), field({ key: 'b', kind: 'text', visibleWhen: { field: 'a', equals: 'x' } })];
    expect(checkCustom(cyclic, context, { a: 'x', b: 'x' })).toEqual({ values: {}, refusals: [] });
  });
});
