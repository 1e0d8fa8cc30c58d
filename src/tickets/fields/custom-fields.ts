/*
 * Custom fields of tickets: which apply (by type, service, category), which are shown (a field
 * may depend on another's value), and the values checked and typed. Pure, so the rules are
 * tested densely; the same rules serve the form, the API and anything else that registers tickets.
 */

export const FIELD_KINDS = ['text', 'number', 'date', 'select', 'checkbox'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];
export type FieldValue = string | number | boolean;

export interface FieldDefinition {
  key: string;
  label: string;
  kind: FieldKind;
  options: string[];
  required: boolean;
  /** Ticket types it applies to; empty: all. */
  types: string[];
  /** Only for this service, when set. */
  serviceId: string | null;
  /** Only for this category (any case), when set. */
  category: string | null;
  /** Shown only while another field has this value. */
  visibleWhen: { field: string; equals: string } | null;
}

export interface FieldContext {
  type: string;
  serviceId: string | null;
  category: string | null;
}

export interface FieldRefusal {
  key: string;
  i18nKey: string;
  vars?: Record<string, unknown>;
}

export const FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;
const MAX_TEXT = 2000;

export function applies(field: FieldDefinition, context: FieldContext): boolean {
  if (field.types.length > 0 && !field.types.includes(context.type)) return false;
  if (field.serviceId && field.serviceId !== context.serviceId) return false;
  if (field.category && field.category.toLocaleLowerCase('und') !== (context.category ?? '').toLocaleLowerCase('und')) return false;
  return true;
}

/** A raw value as the field's type, or a refusal; undefined for "not filled in". */
export function coerce(field: FieldDefinition, raw: unknown): { value?: FieldValue; refusal?: string } {
  if (field.kind === 'checkbox') return { value: raw === true || raw === 'on' || raw === 'true' };
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return {};
  const text = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : undefined;
  if (text === undefined) return { refusal: 'fields.errors.value' };
  switch (field.kind) {
    case 'text':
      return [...text].length > MAX_TEXT ? { refusal: 'validation.too_long' } : { value: text };
    case 'number': {
      const number = Number(text.replace(',', '.'));
      return /^-?\d+([.,]\d+)?$/.test(text) && Number.isFinite(number) ? { value: number } : { refusal: 'fields.errors.number' };
    }
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
      return date && date.toISOString().slice(0, 10) === text ? { value: text } : { refusal: 'fields.errors.date' };
    }
    case 'select':
      return field.options.includes(text) ? { value: text } : { refusal: 'fields.errors.option' };
  }
}

/**
 * The values to store for a ticket: only fields that apply and are shown, each checked; required
 * ones that are shown must be filled in (a required checkbox ticked). Values of fields that do not
 * apply or are hidden are dropped, never stored.
 */
export function checkCustom(fields: readonly FieldDefinition[], context: FieldContext, raw: Record<string, unknown>): { values: Record<string, FieldValue>; refusals: FieldRefusal[] } {
  const applicable = new Map(fields.filter((field) => applies(field, context)).map((field) => [field.key, field]));
  const coerced = new Map<string, { value?: FieldValue; refusal?: string }>();
  for (const field of applicable.values()) coerced.set(field.key, coerce(field, raw[field.key]));
  const shownCache = new Map<string, boolean>();
  const shown = (key: string, depth = 0): boolean => {
    if (shownCache.has(key)) return shownCache.get(key)!;
    const field = applicable.get(key);
    let result = !!field;
    if (field?.visibleWhen) {
      const parent = field.visibleWhen.field;
      // A chain longer than the number of fields is a cycle: hide rather than loop.
      result = depth < applicable.size && shown(parent, depth + 1) && String(coerced.get(parent)?.value ?? '') === field.visibleWhen.equals;
    }
    shownCache.set(key, result);
    return result;
  };
  const values: Record<string, FieldValue> = {};
  const refusals: FieldRefusal[] = [];
  for (const field of applicable.values()) {
    if (!shown(field.key)) continue;
    const { value, refusal } = coerced.get(field.key)!;
    if (refusal) refusals.push({ key: field.key, i18nKey: refusal, ...(refusal === 'validation.too_long' ? { vars: { count: MAX_TEXT } } : {}) });
    else if (field.required && (value === undefined || value === false)) refusals.push({ key: field.key, i18nKey: 'validation.required' });
    else if (value !== undefined) values[field.key] = value;
  }
  return { values, refusals };
}
