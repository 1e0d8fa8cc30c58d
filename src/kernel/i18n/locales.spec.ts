import { loadLocaleFiles, type Messages } from './locale-files';
import { LANGUAGES } from './languages';

// Guards the locale files themselves: a key added in English and forgotten elsewhere, a dropped
// placeholder or a missing Slavic plural form would otherwise only show up in front of a user.

function flatten(messages: Messages, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(messages)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const resources = loadLocaleFiles();
const flat = Object.fromEntries(
  LANGUAGES.map((lang) => [lang, flatten(resources[lang]?.translation as Messages)]),
) as Record<(typeof LANGUAGES)[number], Map<string, string>>;
const en = flat.en;
const PLURAL = /_(zero|one|two|few|many|other)$/;
const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] ?? '').sort();
const pluralBases = [...en.keys()].filter((k) => k.endsWith('_other')).map((k) => k.slice(0, -'_other'.length));

describe('locale files', () => {
  it('have English strings to compare with', () => {
    expect(en.size).toBeGreaterThan(50);
    expect(pluralBases.length).toBeGreaterThan(3);
  });

  it.each(['ru', 'uk', 'uz'] as const)('%s has every English key', (lang) => {
    const missing = [...en.keys()].filter((key) => !flat[lang].has(key));
    expect(missing).toEqual([]);
  });

  it.each(['ru', 'uk', 'uz'] as const)('%s has no key English lacks (except plural forms)', (lang) => {
    const stray = [...flat[lang].keys()].filter((key) => !en.has(key) && !en.has(key.replace(PLURAL, '_other')));
    expect(stray).toEqual([]);
  });

  it.each(['ru', 'uk'] as const)('%s has one/few/many wherever English has a plural', (lang) => {
    for (const base of pluralBases) {
      for (const form of ['one', 'few', 'many']) {
        expect({ key: `${base}_${form}`, present: flat[lang].has(`${base}_${form}`) }).toEqual({
          key: `${base}_${form}`,
          present: true,
        });
      }
    }
  });

  it.each(LANGUAGES)('%s keeps the placeholders of the English text', (lang) => {
    for (const [key, text] of flat[lang]) {
      const source = en.get(key) ?? en.get(key.replace(PLURAL, '_other')) ?? '';
      expect({ key, vars: placeholders(text) }).toEqual({ key, vars: placeholders(source) });
    }
  });

  it.each(['ru', 'uk'] as const)('%s is written in Cyrillic, not copied from English', (lang) => {
    const untranslated = [...flat[lang]].filter(([key, text]) => key !== 'app.name' && !/[а-яёіїєґ]/i.test(text));
    expect(untranslated).toEqual([]);
  });

  it('uz is translated, not copied from English', () => {
    const copied = [...flat.uz].filter(([key, text]) => key !== 'app.name' && en.get(key) === text);
    expect(copied).toEqual([]);
  });
});
