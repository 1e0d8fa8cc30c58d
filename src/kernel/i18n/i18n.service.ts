import { Injectable } from '@nestjs/common';
import { createInstance, type i18n } from 'i18next';
import { loadLocaleFiles, type Messages } from './locale-files';
import { DEFAULT_LANGUAGE, LANGUAGES, isLanguage, type Language } from './languages';
import { negotiateLanguage } from './negotiate';

const NAMESPACE = 'translation';

/** Values for `{{name}}` placeholders; `count` also picks the plural form. */
export type TranslationVars = Readonly<Record<string, unknown>>;

function toCount(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // Template hash arguments and form values arrive as strings ("3").
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** Builds `{a: {b: leaf}}` from "a.b", so a prefix nests like the locale files do. */
function nestUnder(prefix: string, leaf: Messages): Messages {
  return prefix
    .split('.')
    .reverse()
    .reduce<Messages>((inner, part) => ({ [part]: inner }), leaf);
}

/**
 * A translation's text cut at its placeholders — text, name, text, name, …, text — or null for a
 * text that needs i18next itself to fill (formats, unescaped or nested placeholders, `$t(…)`).
 */
export type CutText = readonly string[] | null;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/;

export function cutText(text: string): CutText {
  if (text.includes('$t(')) return null;
  const parts = text.split(new RegExp(PLACEHOLDER.source, 'g'));
  // What is left between the placeholders must hold no other kind of {{…}}.
  for (let at = 0; at < parts.length; at += 2) if (parts[at]!.includes('{{')) return null;
  return parts;
}

/** The text with its placeholders filled as i18next fills them: a value not given, or null, is left empty. */
export function fillText(parts: readonly string[], vars: TranslationVars | undefined): string {
  let text = parts[0]!;
  for (let at = 1; at < parts.length; at += 2) {
    const value = vars?.[parts[at]!];
    text += (value === undefined || value === null ? '' : String(value)) + parts[at + 1]!;
  }
  return text;
}

/** Texts already cut, by language and key; emptied whenever strings are added. */
const cutTexts = new Map<string, CutText>();
/** More keys than the interface has in all its languages: past this, something asks for made-up keys. */
const MAX_CUT_TEXTS = 50_000;

// The one i18next instance of the process, made on first use. Every I18nService shares it, so
// strings a plugin adds through the injected service also reach code that built its own
// service (the view engine's default, scripts, tests).
let shared: i18n | undefined;

function sharedInstance(): i18n {
  if (shared) return shared;
  const instance = createInstance();
  // With initAsync off and the resources given inline, init completes before it returns; the
  // promise it also returns carries nothing more.
  void instance.init({
    initAsync: false,
    resources: loadLocaleFiles(),
    supportedLngs: [...LANGUAGES],
    fallbackLng: DEFAULT_LANGUAGE,
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    // Keys are dotted paths in one namespace; a ':' in a key must not be read as "ns:key".
    nsSeparator: false,
    returnNull: false,
    returnObjects: false,
    // Output is escaped where it is printed (Handlebars, JSON, mail); escaping here as well
    // would show "&amp;lt;" to users.
    interpolation: { escapeValue: false },
    // A value the caller did not pass shows as nothing rather than as "{{name}}" to users.
    missingInterpolationHandler: () => '',
  });
  shared = instance;
  return instance;
}

/**
 * Translations for every request: one i18next instance, initialised synchronously from the
 * locale files (no backend plugin, nothing to await), with the language passed on each call.
 */
@Injectable()
export class I18nService {
  private readonly i18n: i18n = sharedInstance();

  /**
   * The text for `key` in `lang` (English if unsupported or not translated; the key itself if
   * English lacks it too). Vars go to i18next only as placeholder values, so a var named like an
   * i18next option (lng, defaultValue, context…) cannot change how the key is looked up.
   */
  t(lang: string, key: string, vars?: TranslationVars): string {
    const lng = isLanguage(lang) ? lang : DEFAULT_LANGUAGE;
    const count = toCount(vars?.count);
    // Pages and mail ask for the same few hundred texts over and over: i18next resolves each
    // (fallback language, missing key) once, and plain placeholders are filled here, in a tenth
    // of the time i18next takes. A count picks a plural form: that is left to i18next.
    if (count === undefined) {
      const parts = this.cut(lng, key);
      if (parts) return fillText(parts, vars);
    }
    const replace = count === undefined ? { ...vars } : { ...vars, count };
    return this.i18n.t(key, { lng, replace, ...(count === undefined ? {} : { count }) });
  }

  private cut(lng: Language, key: string): CutText {
    const memo = `${lng}\u0000${key}`;
    let parts = cutTexts.get(memo);
    if (parts === undefined) {
      const text: unknown = this.i18n.t(key, { lng, skipInterpolation: true });
      parts = typeof text === 'string' ? cutText(text) : null;
      if (cutTexts.size >= MAX_CUT_TEXTS) cutTexts.clear();
      cutTexts.set(memo, parts);
    }
    return parts;
  }

  /** The supported languages, in the switcher's order. */
  languages(): readonly Language[] {
    return LANGUAGES;
  }

  /** See negotiateLanguage: user preference > cookie > Accept-Language > English. */
  negotiate(acceptLanguage?: string | null, cookieLang?: string | null, userLang?: string | null): Language {
    return negotiateLanguage(acceptLanguage, cookieLang, userLang);
  }

  /**
   * Merges `messages` into `lang` under the dotted `prefix` (a plugin uses `plugin.<name>`).
   * Registering again replaces the earlier strings at the same paths. Returns false, adding
   * nothing, for a language the interface does not offer.
   */
  addResources(lang: string, prefix: string, messages: Messages): boolean {
    if (!isLanguage(lang)) return false;
    if (!/^[\w-]+(\.[\w-]+)*$/.test(prefix)) {
      throw new Error(`Translation prefix must be a dotted name such as "plugin.telegram", got "${prefix}"`);
    }
    this.i18n.addResourceBundle(lang, NAMESPACE, nestUnder(prefix, messages), true, true);
    cutTexts.clear();
    return true;
  }
}
