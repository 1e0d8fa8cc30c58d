import { batchLength, syncPlan } from './mailbox-sync';

describe('syncPlan', () => {
  const server = { uidValidity: 7n, uidNext: 501 };

  it('does not import years of old mail when a mailbox is added', () => {
    expect(syncPlan({ uidValidity: null, lastUid: 0 }, server, null)).toEqual({ kind: 'start_here', lastUid: 500 });
  });

  it('imports from a date when the admin asked for it', () => {
    const since = new Date('2026-11-01T00:00:00Z');
    expect(syncPlan({ uidValidity: null, lastUid: 0 }, server, since)).toEqual({ kind: 'since', since, skipUpTo: 0 });
  });

  it('goes on after the last UID taken', () => {
    expect(syncPlan({ uidValidity: 7n, lastUid: 480 }, server, null)).toEqual({ kind: 'after', afterUid: 480 });
  });

  it('re-indexes when the server renumbered the folder, without replaying it', () => {
    expect(syncPlan({ uidValidity: 6n, lastUid: 9000 }, server, null)).toEqual({ kind: 'reindex', lastUid: 500 });
  });

  it('copes with an empty folder', () => {
    expect(syncPlan({ uidValidity: null, lastUid: 0 }, { uidValidity: 1n, uidNext: 1 }, null)).toEqual({ kind: 'start_here', lastUid: 0 });
  });
});

describe('batchLength', () => {
  const MB = 1024 * 1024;

  it('takes the whole window while the mail held in memory fits the budget', () => {
    expect(batchLength([10_000, 20_000, 30_000], MB, 16 * MB)).toBe(3);
  });

  it('stops before the message that would overfill the budget', () => {
    expect(batchLength(Array.from({ length: 20 }, () => 0.9 * MB), MB, 16 * MB)).toBe(17);
  });

  it('does not count messages streamed to a file, and always takes at least one', () => {
    expect(batchLength([25 * MB, 0.5 * MB, 30 * MB], MB, 0.6 * MB)).toBe(3);
    expect(batchLength([0.9 * MB, 0.9 * MB], MB, 0.5 * MB)).toBe(1);
    expect(batchLength([], MB, MB)).toBe(0);
  });
});
