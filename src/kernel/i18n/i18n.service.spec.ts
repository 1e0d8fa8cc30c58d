import type { i18n as I18next } from 'i18next';
import { cutText, fillText, I18nService } from './i18n.service';
import { LANGUAGES } from './languages';
import { loadLocaleFiles, type Messages } from './locale-files';

describe('I18nService', () => {
  const i18n = new I18nService();

  it('translates with placeholders, without HTML-escaping (the view does that)', () => {
    expect(i18n.t('en', 'dashboard.welcome', { name: 'Anna <A&B>' })).toBe('Welcome, Anna <A&B>!');
    expect(i18n.t('ru', 'nav.tickets')).toBe('Заявки');
  });

  it('picks CLDR plural forms for Russian and Ukrainian', () => {
    const ru = (count: number) => i18n.t('ru', 'plugins.handler_errors', { count });
    expect(ru(1)).toBe('1 ошибка в обработчиках');
    expect(ru(2)).toBe('2 ошибки в обработчиках');
    expect(ru(5)).toBe('5 ошибок в обработчиках');
    expect(ru(21)).toBe('21 ошибка в обработчиках');
    expect(ru(24)).toBe('24 ошибки в обработчиках');
    expect(ru(11)).toBe('11 ошибок в обработчиках');
    expect(i18n.t('uk', 'auth.errors.too_many_attempts', { count: 3 })).toContain('3 хвилини');
    expect(i18n.t('uk', 'auth.errors.too_many_attempts', { count: 15 })).toContain('15 хвилин');
    expect(i18n.t('en', 'auth.errors.too_many_attempts', { count: 1 })).toContain('1 minute.');
  });

  it('has a plain form beside the plural forms, for callers that pass no count', () => {
    expect(i18n.t('ru', 'validation.too_long')).toBe('Слишком длинное значение.');
    expect(i18n.t('ru', 'validation.too_long', { count: 200 })).toBe('Не более 200 символов.');
  });

  it('uses the "few" entry for 2 in Russian, not "other"', () => {
    i18n.addResources('ru', 'plugin.spec', { x_count_one: 'one', x_count_few: 'few', x_count_many: 'many', x_count_other: 'other' });
    expect([1, 2, 5, 1.5].map((count) => i18n.t('ru', 'plugin.spec.x_count', { count }))).toEqual(['one', 'few', 'many', 'other']);
  });

  it('accepts a numeric string as count, as template arguments are strings', () => {
    expect(i18n.t('ru', 'plugins.handler_errors', { count: '2' })).toBe('2 ошибки в обработчиках');
  });

  it('leaves a placeholder empty when its value is not given', () => {
    expect(i18n.t('en', 'errors.request_id')).toBe('Request ID: ');
  });

  it('falls back to English for an unknown language and to the key for an unknown key', () => {
    expect(i18n.t('de', 'nav.tickets')).toBe('Tickets');
    expect(i18n.t('ru', 'no.such.key')).toBe('no.such.key');
  });

  it('does not let a placeholder value act as an i18next option', () => {
    expect(i18n.t('en', 'nav.tickets', { lng: 'ru', defaultValue: 'x' })).toBe('Tickets');
    expect(i18n.t('en', 'nav', { returnObjects: true })).toBe('nav');
  });

  it('lists the languages and negotiates', () => {
    expect(i18n.languages()).toEqual(['en', 'ru', 'uk', 'uz']);
    expect(i18n.negotiate('uk-UA,uk;q=0.9', undefined, undefined)).toBe('uk');
    expect(i18n.negotiate('uk', 'ru', 'uz')).toBe('uz');
  });

  it('lets a plugin add its strings under a prefix, falling back to English', () => {
    const own = new I18nService();
    expect(own.addResources('en', 'plugin.telegram', { title: 'Telegram', sent_one: '{{count}} message', sent_other: '{{count}} messages' })).toBe(true);
    expect(own.addResources('ru', 'plugin.telegram', { title: 'Телеграм' })).toBe(true);
    expect(own.t('ru', 'plugin.telegram.title')).toBe('Телеграм');
    expect(own.t('uz', 'plugin.telegram.title')).toBe('Telegram');
    expect(own.t('ru', 'plugin.telegram.sent', { count: 3 })).toBe('3 messages');
    expect(own.t('ru', 'nav.tickets')).toBe('Заявки');
    // One i18next instance per process: every service sees what a plugin added through another.
    expect(i18n.t('ru', 'plugin.telegram.title')).toBe('Телеграм');
  });

  it('refuses languages it does not offer and malformed prefixes', () => {
    expect(i18n.addResources('de', 'plugin.x', { a: 'b' })).toBe(false);
    expect(() => i18n.addResources('en', '', { a: 'b' })).toThrow(/prefix/);
    expect(() => i18n.addResources('en', 'plugin..x', { a: 'b' })).toThrow(/prefix/);
  });

  describe('filling placeholders itself', () => {
    // The reference: the same shared i18next instance, asked directly as the service used to.
    const i18next = (i18n as unknown as { i18n: I18next }).i18n;
    const direct = (lang: string, key: string, vars: Record<string, unknown>) => i18next.t(key, { lng: (LANGUAGES as readonly string[]).includes(lang) ? lang : 'en', replace: { ...vars } });

    /** Every key of the locale files, leaves and the objects above them, with the placeholder names any language uses. */
    function allKeys(): Map<string, Set<string>> {
      const keys = new Map<string, Set<string>>();
      const walk = (messages: Messages, prefix: string) => {
        for (const [name, value] of Object.entries(messages)) {
          const key = prefix ? `${prefix}.${name}` : name;
          const names = keys.get(key) ?? new Set<string>();
          keys.set(key, names);
          if (typeof value === 'string') for (const match of value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) names.add(match[1]!);
          else walk(value, key);
        }
      };
      for (const resource of Object.values(loadLocaleFiles())) walk(resource['translation'] as Messages, '');
      return keys;
    }

    it('gives what i18next gives, for every key in every language, with values given, missing, empty or odd', () => {
      const keys = allKeys();
      expect(keys.size).toBeGreaterThan(500);
      let compared = 0;
      for (const [key, names] of keys) {
        const given = (value: unknown) => Object.fromEntries([...names].map((name) => [name, value]));
        const varSets: Array<Record<string, unknown>> = [{}, given('Иван <b>&amp;'), given(null), given(0), given(42), given('{{name}} $t(nav.tickets)'), given(undefined)];
        for (const lang of [...LANGUAGES, 'de'])
          for (const vars of varSets) {
            expect(`${lang} ${key} ${JSON.stringify(vars)} → ${i18n.t(lang, key, vars)}`).toBe(`${lang} ${key} ${JSON.stringify(vars)} → ${direct(lang, key, vars)}`);
            compared += 1;
          }
      }
      expect(compared).toBe(keys.size * 5 * 7);
    });

    it('cuts only plain placeholders, and leaves anything else to i18next', () => {
      expect(cutText('Hello, {{name}}! {{ n }}')).toEqual(['Hello, ', 'name', '! ', 'n', '']);
      expect(cutText('no placeholders')).toEqual(['no placeholders']);
      expect(cutText('{{value, number}}')).toBeNull();
      expect(cutText('{{- raw}}')).toBeNull();
      expect(cutText('see $t(nav.tickets)')).toBeNull();
      expect(cutText('{{user.name}}')).toBeNull();
      expect(fillText(cutText('{{a}}-{{b}}-{{a}}')!, { a: 1, b: null })).toBe('1--1');
    });

    it('takes a string a plugin replaces at once, though the old one was used already', () => {
      const own = new I18nService();
      own.addResources('en', 'plugin.cut', { hello: 'Hello, {{name}}' });
      expect(own.t('en', 'plugin.cut.hello', { name: 'Ann' })).toBe('Hello, Ann');
      own.addResources('en', 'plugin.cut', { hello: 'Hi, {{name}}' });
      expect(own.t('en', 'plugin.cut.hello', { name: 'Ann' })).toBe('Hi, Ann');
      expect(i18n.t('en', 'plugin.cut.hello', { name: 'Bo' })).toBe('Hi, Bo');
    });
  });
});
