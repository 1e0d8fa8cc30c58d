import { negotiateLanguage, parseAcceptLanguage } from './negotiate';
import { toLanguage } from './languages';

describe('parseAcceptLanguage', () => {
  it('orders by q, keeping header order for equal weights', () => {
    expect(parseAcceptLanguage('de;q=0.5, uk, ru-RU;q=0.9, en;q=0.9')).toEqual(['uk', 'ru-RU', 'en', 'de']);
  });

  it('drops q=0, wildcards, malformed weights and empty entries', () => {
    expect(parseAcceptLanguage('ru;q=0, *, en;q=abc, , uz;q=1.5, uk;q=0.1')).toEqual(['uk']);
  });

  it('copes with missing and oversized headers', () => {
    expect(parseAcceptLanguage(undefined)).toEqual([]);
    expect(parseAcceptLanguage('')).toEqual([]);
    expect(parseAcceptLanguage('x,'.repeat(100_000)).length).toBeLessThanOrEqual(32);
  });
});

describe('toLanguage', () => {
  it('maps regional and script variants to the supported language', () => {
    expect(toLanguage('ru-RU')).toBe('ru');
    expect(toLanguage('uz-Cyrl-UZ')).toBe('uz');
    expect(toLanguage('UK')).toBe('uk');
    expect(toLanguage('en_US')).toBe('en');
    expect(toLanguage('ua')).toBe('uk');
    expect(toLanguage('de')).toBeUndefined();
    expect(toLanguage(undefined)).toBeUndefined();
  });
});

describe('negotiateLanguage', () => {
  it('prefers the user, then the cookie, then the header, then English', () => {
    expect(negotiateLanguage('ru', 'uk', 'uz')).toBe('uz');
    expect(negotiateLanguage('ru', 'uk', undefined)).toBe('uk');
    expect(negotiateLanguage('ru', undefined, undefined)).toBe('ru');
    expect(negotiateLanguage(undefined)).toBe('en');
  });

  it('skips unsupported preferences instead of trusting them', () => {
    expect(negotiateLanguage('uk', 'fr', 'klingon')).toBe('uk');
    expect(negotiateLanguage('de-DE, fr;q=0.9, ru;q=0.8')).toBe('ru');
    expect(negotiateLanguage('de, fr')).toBe('en');
  });

  it('respects q-values over header order', () => {
    expect(negotiateLanguage('en;q=0.3, uz-Latn;q=0.7')).toBe('uz');
  });
});
