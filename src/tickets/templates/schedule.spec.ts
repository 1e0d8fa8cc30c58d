import { nextRun } from './schedule';

describe('nextRun', () => {
  const monday = new Date('2026-11-23T05:30:00Z'); // Monday 08:30 in Moscow, 10:30 in Tashkent

  it('reads the expression in the schedule\'s time zone', () => {
    expect(nextRun('0 9 * * 1', 'Europe/Moscow', monday)?.toISOString()).toBe('2026-11-23T06:00:00.000Z');
    expect(nextRun('0 9 * * 1', 'Asia/Tashkent', monday)?.toISOString()).toBe('2026-11-30T04:00:00.000Z');
    expect(nextRun('*/15 * * * *', 'UTC', monday)?.toISOString()).toBe('2026-11-23T05:45:00.000Z');
    expect(nextRun('0 0 1 * *', 'UTC', monday)?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('keeps local time across a daylight-saving change', () => {
    // Berlin moves from UTC+2 to UTC+1 on 2026-10-25: nine o'clock is 07:00 UTC before, 08:00 after.
    expect(nextRun('0 9 * * *', 'Europe/Berlin', new Date('2026-10-24T12:00:00Z'))?.toISOString()).toBe('2026-10-25T08:00:00.000Z');
  });

  it('refuses what it cannot read', () => {
    expect(nextRun('every monday', 'UTC', monday)).toBeUndefined();
    expect(nextRun('0 9 * *', 'UTC', monday)).toBeUndefined();
    expect(nextRun('0 9 * * * *', 'UTC', monday)).toBeUndefined();
    expect(nextRun('61 9 * * *', 'UTC', monday)).toBeUndefined();
    expect(nextRun('0 9 * * 1', 'Mars/Olympus', monday)).toBeUndefined();
  });
});
