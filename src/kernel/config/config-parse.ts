import type { ConfigType } from './config-keys';

/** The outcome of checking one raw value against its declared type. */
export type Parsed = { ok: true; value: unknown } | { ok: false; expected: string };

/** What a type accepts, in words, for the one-line error message. */
export function describeType(type: ConfigType): string {
  switch (type.kind) {
    case 'string':
      return type.minLength ? `a string of at least ${type.minLength} characters` : 'a string';
    case 'int':
      return `a whole number from ${type.min} to ${type.max}`;
    case 'bool':
      return 'true or false';
    case 'url':
      return `a URL starting with ${type.protocols.map((p) => `${p}//`).join(' or ')}`;
    case 'enum':
      return `one of ${type.values.join(', ')}`;
  }
}

/**
 * Checks and converts one value. Environment values are always strings; YAML values may already
 * be numbers or booleans, so both shapes are accepted.
 */
export function parseValue(type: ConfigType, raw: unknown): Parsed {
  const fail: Parsed = { ok: false, expected: describeType(type) };
  switch (type.kind) {
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number') return fail;
      const value = String(raw);
      return type.minLength && value.length < type.minLength ? fail : { ok: true, value };
    }
    case 'int': {
      const text = String(raw).trim();
      if (!/^-?\d+$/.test(text)) return fail;
      const value = Number(text);
      return value < type.min || value > type.max ? fail : { ok: true, value };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { ok: true, value: raw };
      const text = String(raw).trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(text)) return { ok: true, value: true };
      if (['false', '0', 'no', 'off'].includes(text)) return { ok: true, value: false };
      return fail;
    }
    case 'url': {
      if (typeof raw !== 'string') return fail;
      try {
        const url = new URL(raw);
        return type.protocols.includes(url.protocol) ? { ok: true, value: raw.replace(/\/+$/, '') } : fail;
      } catch {
        return fail;
      }
    }
    case 'enum':
      return typeof raw === 'string' && type.values.includes(raw) ? { ok: true, value: raw } : fail;
  }
}
