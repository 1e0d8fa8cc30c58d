import { syncPlan } from './mailbox-sync';

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
