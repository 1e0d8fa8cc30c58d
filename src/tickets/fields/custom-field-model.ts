import type { StoredField } from './custom-fields.service';

/** A custom field as a form shows it (new ticket, ticket page): the conditions go to the page's script as data. */
export function customFieldModel(field: StoredField, value: string | undefined, error: string | undefined) {
  return {
    ...field,
    name: `custom[${field.key}]`,
    value: value ?? '',
    checked: value === 'on' || value === 'true',
    error,
    isSelect: field.kind === 'select',
    isCheckbox: field.kind === 'checkbox',
    inputType: field.kind === 'number' ? 'number' : field.kind === 'date' ? 'date' : 'text',
    optionList: field.options.map((option) => ({ option, selected: option === value })),
    typesAttr: field.types.join(' '),
    whenField: field.visibleWhen?.field ?? '',
    whenValue: field.visibleWhen?.equals ?? '',
  };
}
