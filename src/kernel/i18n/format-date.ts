import { DEFAULT_LANGUAGE, INTL_LOCALES, toLanguage } from './languages';

/** short/medium/long: date and time; date: the date only; time: the time only. */
export type DateTimeStyle = 'short' | 'medium' | 'long' | 'date' | 'time';

const STYLES: Readonly<Record<DateTimeStyle, Intl.DateTimeFormatOptions>> = {
  short: { dateStyle: 'short', timeStyle: 'short' },
  medium: { dateStyle: 'medium', timeStyle: 'short' },
  long: { dateStyle: 'long', timeStyle: 'short' },
  date: { dateStyle: 'medium' },
  time: { timeStyle: 'short' },
};

// Building an Intl.DateTimeFormat costs far more than using one, and a ticket list formats
// dozens of dates per page. The key space is small (languages × styles × zones in use); the cap
// only guards against a flood of distinct bogus zones.
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_FORMATTERS = 500;

function isStyle(value: unknown): value is DateTimeStyle {
  return typeof value === 'string' && Object.hasOwn(STYLES, value);
}

function formatterFor(locale: string, timeZone: string, style: DateTimeStyle): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${style}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone });
    } catch {
      // An unknown zone (a stale user preference, a typo in config) must not break a page.
      formatter = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone: 'UTC' });
    }
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string' || typeof value === 'number') {
    if (value === '') return undefined;
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
}

/**
 * A date and time for people to read, in their language and time zone. Never throws: an unknown
 * zone falls back to UTC, an unknown language to English, a missing or invalid date gives ''.
 */
export function formatDateTime(
  date: Date | string | number | null | undefined,
  lang: string | null | undefined,
  timeZone: string | null | undefined,
  style: DateTimeStyle = 'medium',
): string {
  const when = toDate(date);
  if (!when) return '';
  const locale = INTL_LOCALES[toLanguage(lang) ?? DEFAULT_LANGUAGE];
  const zone = typeof timeZone === 'string' && timeZone !== '' ? timeZone : 'UTC';
  return formatterFor(locale, zone, isStyle(style) ? style : 'medium').format(when);
}
