import { formatDateTime } from './format-date';

const when = new Date(Date.UTC(2026, 1, 3, 14, 5)); // 3 February 2026, 14:05 UTC

describe('formatDateTime', () => {
  it('shows the time in the given zone', () => {
    expect(formatDateTime(when, 'en', 'Asia/Tashkent', 'time')).toBe('19:05');
    expect(formatDateTime(when, 'en', 'Europe/Kyiv', 'time')).toBe('16:05');
  });

  it('uses the language', () => {
    expect(formatDateTime(when, 'ru', 'UTC', 'long')).toContain('февраля 2026');
    expect(formatDateTime(when, 'uk', 'UTC', 'long')).toContain('лютого 2026');
    expect(formatDateTime(when, 'uz', 'UTC', 'long')).toContain('fevral');
    expect(formatDateTime(when, 'en', 'UTC', 'date')).toBe('3 Feb 2026');
  });

  it('falls back to UTC for an unknown zone and to English for an unknown language', () => {
    expect(formatDateTime(when, 'en', 'Mars/Olympus_Mons', 'time')).toBe('14:05');
    expect(formatDateTime(when, 'en', '', 'time')).toBe('14:05');
    expect(formatDateTime(when, 'xx', 'UTC', 'date')).toBe('3 Feb 2026');
  });

  it('accepts ISO strings and epoch numbers, and gives "" for nothing or garbage', () => {
    expect(formatDateTime(when.toISOString(), 'en', 'UTC', 'time')).toBe('14:05');
    expect(formatDateTime(when.getTime(), 'en', 'UTC', 'time')).toBe('14:05');
    expect(formatDateTime(undefined, 'en', 'UTC')).toBe('');
    expect(formatDateTime('not a date', 'en', 'UTC')).toBe('');
    expect(formatDateTime(new Date(Number.NaN), 'en', 'UTC')).toBe('');
  });

  it('treats an unknown style as medium', () => {
    expect(formatDateTime(when, 'en', 'UTC', 'weird' as never)).toBe(formatDateTime(when, 'en', 'UTC', 'medium'));
  });
});
