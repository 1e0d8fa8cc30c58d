import { retryDelayMs } from './backoff';

describe('retryDelayMs', () => {
  it('starts at a minute and doubles', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000]);
  });

  it('never waits more than six hours, however many attempts failed', () => {
    expect(retryDelayMs(9)).toBe(256 * 60_000);
    expect(retryDelayMs(10)).toBe(6 * 3_600_000);
    expect(retryDelayMs(1000)).toBe(6 * 3_600_000);
  });

  it('treats nonsense counts as the first failure', () => {
    expect(retryDelayMs(0)).toBe(60_000);
    expect(retryDelayMs(-3)).toBe(60_000);
  });
});
