import { calendarDayIn, nextDay, parseDay, startOfDay } from './calendar-day';

describe('calendar days', () => {
  it('reads only real dates', () => {
    expect(parseDay('2026-02-28')).toEqual({ year: 2026, month: 2, day: 28 });
    expect(parseDay('2026-02-29')).toBeUndefined();
    expect(parseDay('2026-2-1')).toBeUndefined();
    expect(nextDay({ year: 2026, month: 12, day: 31 })).toEqual({ year: 2027, month: 1, day: 1 });
  });

  it('tells the day it is in a time zone, which may differ from UTC', () => {
    const lateUtc = new Date('2026-11-23T22:30:00Z');
    expect(calendarDayIn(lateUtc, 'UTC')).toBe('2026-11-23');
    expect(calendarDayIn(lateUtc, 'Asia/Tashkent')).toBe('2026-11-24');
    expect(calendarDayIn(lateUtc, 'America/New_York')).toBe('2026-11-23');
    expect(calendarDayIn(lateUtc, 'Not/AZone')).toBe('2026-11-23');
  });

  it('finds midnight of a day in a zone', () => {
    expect(startOfDay({ year: 2026, month: 11, day: 24 }, 'Asia/Tashkent').toISOString()).toBe('2026-11-23T19:00:00.000Z');
  });
});
