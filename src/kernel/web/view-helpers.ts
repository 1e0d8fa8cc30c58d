import Handlebars from 'handlebars';
import { formatDateTime, type DateTimeStyle } from '../i18n/format-date';
import type { TranslationVars } from '../i18n/i18n.service';
import { LANGUAGES } from '../i18n/languages';

/** The part of I18nService the helpers need (a fake in tests). */
export interface Translator {
  t(lang: string, key: string, vars?: TranslationVars): string;
}

/** An isolated Handlebars environment, from Handlebars.create(). */
export type HandlebarsEnv = typeof Handlebars;

type Options = Handlebars.HelperOptions;
type Root = Record<string, unknown>;

// Helpers receive the page's view model as @root: the request's language, time zone, CSRF token
// and resolved slots are per request, so they are read from there and never from a global.
function rootOf(options: Options | undefined): Root {
  const root: unknown = options?.data?.root;
  return typeof root === 'object' && root !== null ? (root as Root) : {};
}

function rootString(options: Options | undefined, field: string): string | undefined {
  const value = rootOf(options)[field];
  return typeof value === 'string' ? value : undefined;
}

/** Handlebars passes its options object last; the arguments before it are the template's. */
function splitArgs(args: unknown[]): { values: unknown[]; options: Options | undefined } {
  const options = args[args.length - 1] as Options | undefined;
  return { values: args.slice(0, -1), options };
}

/** Truthiness as {{#if}} sees it: an empty list counts as false too. */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/**
 * Whether a nav link points at the current page: the same path, or a page below it
 * ("/tickets" is active on "/tickets/42"). "/" only matches itself, or it would match everything.
 */
export function isActivePath(currentPath: string | undefined, href: string, exact = false): boolean {
  if (currentPath === undefined || href === '') return false;
  const path = currentPath.split(/[?#]/, 1)[0] ?? '';
  const target = href.split(/[?#]/, 1)[0] ?? '';
  if (path === target) return true;
  if (exact || target === '/') return false;
  return path.startsWith(target.endsWith('/') ? target : `${target}/`);
}

export function createViewHelpers(translator: Translator): Record<string, Handlebars.HelperDelegate> {
  return {
    /** {{t "key" name=value}}: a translation in the request's language; escaped like any {{…}}. */
    t(key: unknown, options: Options): string {
      if (typeof key !== 'string') return '';
      return translator.t(rootString(options, 'lang') ?? 'en', key, { ...options.hash });
    },

    /** {{date value}} or {{date value "short"}}: in the request's language and time zone. */
    date(...args: unknown[]): string {
      const { values, options } = splitArgs(args);
      const [value, style] = values;
      const chosen = typeof style === 'string' ? style : options?.hash['style'];
      return formatDateTime(
        value as Date | string | number | undefined,
        rootString(options, 'lang'),
        rootString(options, 'timeZone'),
        (typeof chosen === 'string' ? chosen : 'medium') as DateTimeStyle,
      );
    },

    /** {{fileSize bytes}}: a size in the request's language, in the largest unit that keeps it ≥ 1 (12 KB, 3.4 MB). */
    fileSize(value: unknown, options: Options): string {
      return formatFileSize(Number(value), rootString(options, 'lang') ?? 'en');
    },

    /** (eq a b): strict equality, so "1" and 1 differ as they do in the code behind the page. */
    eq(a: unknown, b: unknown): boolean {
      return a === b;
    },

    not(value: unknown): boolean {
      return !isTruthy(value);
    },

    /** (and a b …): the first false value, else the last one (like JavaScript's &&). */
    and(...args: unknown[]): unknown {
      const { values } = splitArgs(args);
      for (const value of values) if (!isTruthy(value)) return value;
      return values[values.length - 1];
    },

    /** (or a b …): the first true value, else the last one, so {{or title (t "x")}} gives a default. */
    or(...args: unknown[]): unknown {
      const { values } = splitArgs(args);
      for (const value of values) if (isTruthy(value)) return value;
      return values[values.length - 1];
    },

    /** (concat "roles." role): joins its arguments as text, to build an i18n key from a value. */
    concat(...args: unknown[]): string {
      return splitArgs(args).values.map((value) => (value === undefined || value === null ? '' : String(value))).join('');
    },

    /**
     * {{json value}}: JSON escaped for HTML, safe inside a quoted attribute (data-config="…") and in
     * triple braces alike. Values JSON cannot hold (cycles, BigInt) give null rather than an error.
     */
    json(value: unknown): Handlebars.SafeString {
      let text: string;
      try {
        text = JSON.stringify(value) ?? 'null';
      } catch {
        text = 'null';
      }
      return new Handlebars.SafeString(Handlebars.Utils.escapeExpression(text));
    },

    /**
     * {{slot "name"}}: HTML that the controller resolved before rendering (async filter
     * web.slot.<name>), printed as is; nothing when the page has none. Helpers are synchronous,
     * so this one only prints and never asks plugins itself.
     */
    slot(name: unknown, options: Options): Handlebars.SafeString | string {
      const slots = rootOf(options)['slots'];
      if (typeof name !== 'string' || typeof slots !== 'object' || slots === null) return '';
      const html: unknown = Object.hasOwn(slots, name) ? (slots as Root)[name] : undefined;
      return typeof html === 'string' ? new Handlebars.SafeString(html) : '';
    },

    /** {{csrfField}}: the hidden token input every POST form carries. */
    csrfField(options: Options): Handlebars.SafeString | string {
      const token = rootString(options, 'csrfToken');
      if (token === undefined) return '';
      const value = Handlebars.Utils.escapeExpression(token);
      return new Handlebars.SafeString(`<input type="hidden" name="_csrf" value="${value}">`);
    },

    /**
     * (active href explicit?): whether a nav link is the current page. An explicit true/false set
     * by the controller wins; otherwise the link is compared with @root.currentPath
     * (exact=true to skip the "page below it" rule).
     */
    active(href: unknown, ...rest: unknown[]): boolean {
      const { values, options } = splitArgs(rest);
      if (typeof values[0] === 'boolean') return values[0];
      if (typeof href !== 'string') return false;
      return isActivePath(rootString(options, 'currentPath'), href, options?.hash['exact'] === true);
    },

    /**
     * (languageChoices): the switcher's entries when the page did not supply `languages`, each
     * named in itself, so a reader who cannot read the current interface still finds their own.
     */
    languageChoices(options: Options): Array<{ code: string; label: string; active: boolean }> {
      const current = rootString(options, 'lang') ?? 'en';
      return LANGUAGES.map((code) => ({ code, label: translator.t(code, 'language.name'), active: code === current }));
    },
  };
}

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;

export function formatFileSize(bytes: number, lang: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  let unit = 0;
  let value = bytes;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(lang, { style: 'unit', unit: SIZE_UNITS[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}

/** Installs the helpers in an isolated environment (never the global Handlebars). */
export function registerViewHelpers(hbs: HandlebarsEnv, translator: Translator): void {
  for (const [name, helper] of Object.entries(createViewHelpers(translator))) hbs.registerHelper(name, helper);
}
