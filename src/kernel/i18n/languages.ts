/** The interface languages, in the order the language switcher lists them. */
export const LANGUAGES = ['en', 'ru', 'uk', 'uz'] as const;

export type Language = (typeof LANGUAGES)[number];

/** Used whenever nothing better is known, and for keys a translation lacks. */
export const DEFAULT_LANGUAGE: Language = 'en';

// Codes people (and some old clients) use for our languages that are not the ISO 639-1 code:
// "ua" is Ukraine's country code, often mistaken for the language.
const ALIASES: Readonly<Record<string, Language>> = { ua: 'uk' };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/**
 * Maps a BCP 47 tag to a supported language by its primary subtag ("ru-RU" → ru, "uz-Cyrl-UZ" → uz:
 * a reader of Cyrillic Uzbek is still better served by Latin Uzbek than by English), or undefined.
 */
export function toLanguage(tag: string | null | undefined): Language | undefined {
  if (typeof tag !== 'string') return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/, 1)[0] ?? '';
  if (isLanguage(primary)) return primary;
  return ALIASES[primary];
}

/**
 * Locale tags handed to Intl. English uses en-GB for day-month order and the 24-hour clock, which
 * is what the desk's markets expect; Uzbek is pinned to the Latin script.
 */
export const INTL_LOCALES: Readonly<Record<Language, string>> = {
  en: 'en-GB',
  ru: 'ru-RU',
  uk: 'uk-UA',
  uz: 'uz-Latn-UZ',
};
