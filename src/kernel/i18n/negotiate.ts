import { DEFAULT_LANGUAGE, toLanguage, type Language } from './languages';

// Headers are attacker-controlled: look at a bounded prefix and a bounded number of entries.
const MAX_HEADER_LENGTH = 1024;
const MAX_ENTRIES = 32;

interface Weighted {
  readonly tag: string;
  readonly q: number;
  readonly order: number;
}

/** The tags of an Accept-Language header, best first (by q, then as listed); q=0 means "not this". */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (typeof header !== 'string' || header === '') return [];
  const entries: Weighted[] = [];
  for (const part of header.slice(0, MAX_HEADER_LENGTH).split(',').slice(0, MAX_ENTRIES)) {
    const [rawTag = '', ...params] = part.split(';');
    const tag = rawTag.trim();
    if (tag === '' || tag === '*') continue;
    let q = 1;
    for (const param of params) {
      const [name = '', value = ''] = param.split('=');
      // A weight that does not parse is dropped with its entry rather than read as q=1.
      if (name.trim().toLowerCase() === 'q') q = /^\s*[0-9.]+\s*$/.test(value) ? Number(value) : Number.NaN;
    }
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    entries.push({ tag, q, order: entries.length });
  }
  entries.sort((a, b) => b.q - a.q || a.order - b.order);
  return entries.map((e) => e.tag);
}

/**
 * The language to answer in: the signed-in user's preference, else the language cookie (set by the
 * switcher), else the best supported entry of Accept-Language, else English.
 */
export function negotiateLanguage(
  acceptLanguage?: string | null,
  cookieLang?: string | null,
  userLang?: string | null,
): Language {
  const explicit = toLanguage(userLang) ?? toLanguage(cookieLang);
  if (explicit) return explicit;
  for (const tag of parseAcceptLanguage(acceptLanguage)) {
    const lang = toLanguage(tag);
    if (lang) return lang;
  }
  return DEFAULT_LANGUAGE;
}
