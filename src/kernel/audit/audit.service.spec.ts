import type { DataSource, EntityManager } from 'typeorm';
import { DataSourceProvider, UnitOfWork } from '../database/unit-of-work';
import { HookBus, HookBusOptions } from '../hooks/hook-bus';
import { fakeTransactions, strictFake } from '../hooks/testing/fake-data-source';
import type { Actor } from '../security/actor';
import { DomainError } from '../web/domain-error';
import { decodeCursor, encodeCursor, type AuditPosition } from './audit-cursor';
import { AUDIT_EVENT_FILTERS, AUDIT_EVENTS, EVENT_NAME } from './audit-events';
import { parseDay, startOfDay } from '../i18n/calendar-day';
import { listenForSecurityEvents } from './audit.listeners';
import { type AuditPageQuery, type AuditRecord, AuditRepository, type NewAuditRow } from './audit.repository';
import { AuditService, normalizeIp } from './audit.service';

const admin: Actor = { id: 'a1', username: 'root', displayName: 'Root', roles: ['administrator'], isAdmin: true, locale: null, timeZone: null };
const agent: Actor = { ...admin, id: 'a2', username: 'agent', roles: ['agent'], isAdmin: false };

/** A row as the repository returns it, at second `n` past a fixed minute. */
function recordAt(n: number, id = String(1000 - n)): AuditRecord {
  const at = `2026-03-01T10:00:${String(n % 60).padStart(2, '0')}.123456Z`;
  return {
    id,
    occurredAt: new Date(at),
    position: { at, id },
    event: 'auth.sign_in.failed',
    actorId: null,
    actorUsername: null,
    actorDisplayName: null,
    subject: 'x',
    ip: '127.0.0.1',
    details: {},
  };
}

function newAuditService(rows: AuditRecord[] = []) {
  const inserted: NewAuditRow[] = [];
  const queries: AuditPageQuery[] = [];
  const repo = strictFake<AuditRepository>('repo', {
    insert: async (row: NewAuditRow) => void inserted.push(row),
    page: async (query: AuditPageQuery) => {
      queries.push(query);
      return rows.slice(0, query.limit);
    },
  });
  return { sut: new AuditService(repo), inserted, queries };
}

const refusal = (promise: Promise<unknown> | (() => unknown)) =>
  Promise.resolve()
    .then(typeof promise === 'function' ? promise : () => promise)
    .then(
      () => 'accepted',
      (error: unknown) => (error instanceof DomainError ? `${error.status} ${error.code}` : Promise.reject(error)),
    );

describe('AuditService.record', () => {
  it('stores the event with the address normalised', async () => {
    const { sut, inserted } = newAuditService();
    await sut.record('auth.sign_in.failed', { subject: 'alice', ip: '::ffff:127.0.0.1', details: { reason: 'invalid_credentials' } });
    await sut.record('auth.sign_in.succeeded', { actorId: 'u1', ip: 'unknown' });
    await sut.record('plugin.enabled');
    expect(inserted).toEqual([
      { event: 'auth.sign_in.failed', actorId: null, subject: 'alice', ip: '127.0.0.1', details: { reason: 'invalid_credentials' } },
      { event: 'auth.sign_in.succeeded', actorId: 'u1', subject: null, ip: null, details: {} },
      { event: 'plugin.enabled', actorId: null, subject: null, ip: null, details: {} },
    ]);
  });

  it('cuts an over-long subject', async () => {
    const { sut, inserted } = newAuditService();
    await sut.record('auth.sign_in.failed', { subject: 'я'.repeat(500) });
    expect(inserted[0]!.subject).toHaveLength(200);
  });

  it('refuses an event outside the catalogue and oversized details, storing nothing', async () => {
    const { sut, inserted } = newAuditService();
    await expect(sut.record('user.deleted' as never)).rejects.toThrow('unknown audit event');
    await expect(sut.record('token.created', { details: { blob: 'x'.repeat(10_000) } })).rejects.toThrow('details');
    await expect(sut.record('token.created', { details: [] as never })).rejects.toThrow('details');
    expect(inserted).toEqual([]);
  });
});

describe('normalizeIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['unknown', null],
    ['', null],
    ['127.0.0.1; DROP TABLE users', null],
    [undefined, null],
  ])('%p → %p', (raw, expected) => expect(normalizeIp(raw)).toBe(expected));
});

describe('cursor', () => {
  const position: AuditPosition = { at: '2026-03-01T10:00:05.123456Z', id: '9223372036854775807' };

  it('round-trips a position, opaque and URL-safe', () => {
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('2026');
    expect(decodeCursor(cursor)).toEqual(position);
  });

  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['random text', 'garbage'],
    ['no id', b64('2026-03-01T10:00:05.123456Z')],
    ['extra part', b64('2026-03-01T10:00:05.123456Z 5 6')],
    ['milliseconds only', b64('2026-03-01T10:00:05.123Z 5')],
    ['month 13', b64('2026-13-01T10:00:05.123456Z 5')],
    ['30 February', b64('2026-02-30T10:00:05.123456Z 5')],
    ['id zero', b64('2026-03-01T10:00:05.123456Z 0')],
    ['id beyond bigint', b64('2026-03-01T10:00:05.123456Z 9223372036854775808')],
    ['negative id', b64('2026-03-01T10:00:05.123456Z -5')],
    ['SQL in the id', b64("2026-03-01T10:00:05.123456Z 5'--")],
    ['non-canonical padding bits', `${encodeCursor(position).slice(0, -1)}${String.fromCharCode(encodeCursor(position).at(-1)!.charCodeAt(0) + 1)}`],
    ['too long', 'A'.repeat(500)],
  ])('refuses %s', (_label, cursor) => expect(decodeCursor(cursor)).toBeUndefined());
});

describe('AuditService.page', () => {
  it('returns the first page and a cursor that continues after its last row', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => recordAt(59 - i));
    const { sut, queries } = newAuditService(rows);
    const first = await sut.page(admin, {}, undefined, 3);
    expect(first.rows.map((row) => row.id)).toEqual(rows.slice(0, 3).map((row) => row.id));
    expect(queries[0]).toEqual({ limit: 4, after: undefined });
    expect(decodeCursor(first.nextCursor!)).toEqual(rows[2]!.position);

    await sut.page(admin, {}, first.nextCursor!, 3);
    expect(queries[1]!.after).toEqual(rows[2]!.position);
  });

  it('has no next cursor on the last page', async () => {
    const { sut } = newAuditService([recordAt(1), recordAt(2)]);
    expect((await sut.page(admin, {}, undefined, 2)).nextCursor).toBeNull();
    expect((await sut.page(admin, {}, undefined, 5)).nextCursor).toBeNull();
  });

  it.each([
    ['garbage', 'garbage'],
    ['an over-long one', 'A'.repeat(300)],
    ['a well-formed one with an impossible date', Buffer.from('2026-13-01T00:00:00.000000Z 1').toString('base64url')],
  ])('refuses %s with a 400 and reads nothing', async (_label, cursor) => {
    const { sut, queries } = newAuditService();
    expect(await refusal(sut.page(admin, {}, cursor))).toBe('400 audit_cursor_invalid');
    expect(queries).toEqual([]);
  });

  it('refuses a viewer without the permission', async () => {
    const { sut, queries } = newAuditService();
    expect(await refusal(sut.page(agent, {}))).toBe('403 forbidden');
    expect(queries).toEqual([]);
  });

  it('reads one event exactly and a group as a range', async () => {
    const { sut, queries } = newAuditService();
    await sut.page(admin, { event: 'auth.sign_in.failed' });
    await sut.page(admin, { event: 'auth.sign_in' });
    await sut.page(admin, { event: 'ldap.sync.started' });
    expect(queries.map((query) => query.event)).toEqual([{ exact: 'auth.sign_in.failed' }, { group: 'auth.sign_in' }, { exact: 'ldap.sync.started' }]);
    expect(await refusal(sut.page(admin, { event: "auth.%' OR 1=1" }))).toBe('400 audit_event_invalid');
  });

  it('passes user, address and time range on, normalised', async () => {
    const { sut, queries } = newAuditService();
    const from = new Date('2026-03-01T00:00:00Z');
    const until = new Date('2026-03-02T00:00:00Z');
    await sut.page(admin, { user: ' Alice ', ip: '::ffff:192.0.2.7', from, until });
    expect(queries[0]).toEqual({ limit: 51, after: undefined, user: 'Alice', ip: '192.0.2.7', from, until });
    expect(await refusal(sut.page(admin, { ip: 'not-an-ip' }))).toBe('400 audit_ip_invalid');
  });
});

describe('AuditService.filtersFromForm', () => {
  const { sut } = newAuditService();

  it('reads the days in the viewer’s time zone, the end day included', () => {
    expect(sut.filtersFromForm({ from: '2026-03-10', to: '2026-03-10' }, 'Asia/Tashkent')).toEqual({
      event: undefined,
      user: undefined,
      ip: undefined,
      from: new Date('2026-03-09T19:00:00Z'),
      until: new Date('2026-03-10T19:00:00Z'),
    });
  });

  it('refuses impossible days and a range that ends before it starts', async () => {
    expect(await refusal(() => sut.filtersFromForm({ from: '2026-02-30' }, 'UTC'))).toBe('400 audit_date_invalid');
    expect(await refusal(() => sut.filtersFromForm({ to: 'yesterday' }, 'UTC'))).toBe('400 audit_date_invalid');
    expect(await refusal(() => sut.filtersFromForm({ from: '2026-03-11', to: '2026-03-10' }, 'UTC'))).toBe('400 audit_range_invalid');
  });
});

describe('startOfDay', () => {
  const start = (text: string, zone: string) => startOfDay(parseDay(text)!, zone).toISOString();

  it.each([
    ['2026-03-10', 'UTC', '2026-03-10T00:00:00.000Z'],
    ['2026-03-10', 'Asia/Tashkent', '2026-03-09T19:00:00.000Z'],
    ['2026-03-10', 'America/New_York', '2026-03-10T04:00:00.000Z'],
    // The day summer time starts (02:00 → 03:00): midnight is still the winter offset.
    ['2026-03-29', 'Europe/Berlin', '2026-03-28T23:00:00.000Z'],
    ['2026-03-30', 'Europe/Berlin', '2026-03-29T22:00:00.000Z'],
    // Chile moves its clocks at midnight: 00:00 does not exist, the day starts at 01:00 (-03).
    ['2024-09-08', 'America/Santiago', '2024-09-08T04:00:00.000Z'],
    // ... and back: 00:00 of that day happens after 23:00–23:59 of the day before is repeated.
    ['2024-04-07', 'America/Santiago', '2024-04-07T04:00:00.000Z'],
    ['2026-03-10', 'Not/A_Zone', '2026-03-10T00:00:00.000Z'],
  ])('%s in %s starts at %s', (day, zone, expected) => expect(start(day, zone)).toBe(expected));

  it.each(['2026-02-29', '2026-13-01', '2026-1-1', '20260101', '0000-01-01'])('refuses the day %p', (text) => expect(parseDay(text)).toBeUndefined());
});

describe('event catalogue', () => {
  it('names every event and filter in the shape the byte-range query relies on', () => {
    for (const name of AUDIT_EVENT_FILTERS) expect(name).toMatch(EVENT_NAME);
    expect(new Set(AUDIT_EVENTS).size).toBe(AUDIT_EVENTS.length);
  });
});

describe('AuditRepository with the unit of work', () => {
  function world() {
    const calls: string[] = [];
    const managerNamed = (name: string) =>
      strictFake<EntityManager>(name, { query: (async (sql: string) => void calls.push(`${name}: ${sql.trim().split(/\s+/, 1)[0]}`)) as EntityManager['query'] });
    const transactionManager = managerNamed('transaction');
    const dataSource = strictFake<DataSource>('dataSource', {
      manager: managerNamed('pool'),
      transaction: (async (work: (manager: EntityManager) => Promise<unknown>) => {
        calls.push('begin');
        try {
          const result = await work(transactionManager);
          calls.push('commit');
          return result;
        } catch (error) {
          calls.push('rollback');
          throw error;
        }
      }) as DataSource['transaction'],
    });
    const uow = new UnitOfWork(strictFake<DataSourceProvider>('source', { dataSource }));
    return { calls, uow, sut: new AuditService(new AuditRepository(uow)) };
  }

  it('writes inside the caller’s transaction when one is open, so a rollback takes the row with it', async () => {
    const { calls, uow, sut } = world();
    await expect(
      uow.transaction(async () => {
        await sut.record('token.created', { actorId: 'u1' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await sut.record('token.created', { actorId: 'u1' });
    expect(calls).toEqual(['begin', 'transaction: INSERT', 'rollback', 'pool: INSERT']);
  });
});

describe('security event listeners', () => {
  function world() {
    const recorded: unknown[][] = [];
    const audit = strictFake<AuditService>('audit', { record: (async (...args: unknown[]) => void recorded.push(args)) as AuditService['record'] });
    const bus = new HookBus(fakeTransactions().uow, new HookBusOptions(), { error: jest.fn(), warn: jest.fn() });
    return { recorded, bus, off: listenForSecurityEvents(bus, audit) };
  }

  it('records sign-ins, refusals by reason, and plugin switches with their actor', async () => {
    const { recorded, bus } = world();
    bus.doAction('user.signed_in', { userId: 'u1', ip: '::ffff:127.0.0.1' });
    bus.doAction('user.sign_in_failed', { username: 'alice', ip: '127.0.0.1', reason: 'invalid_credentials' });
    bus.doAction('user.sign_in_failed', { username: 'alice', ip: '127.0.0.1', reason: 'throttled' });
    bus.doAction('plugin.enabled', { plugin: 'telegram', actorId: 'u1' });
    bus.doAction('plugin.disabled', { plugin: 'telegram', actorId: null });
    await bus.settled();
    expect(recorded).toEqual([
      ['auth.sign_in.succeeded', { actorId: 'u1', ip: '::ffff:127.0.0.1' }],
      ['auth.sign_in.failed', { subject: 'alice', ip: '127.0.0.1', details: { reason: 'invalid_credentials' } }],
      ['auth.sign_in.throttled', { subject: 'alice', ip: '127.0.0.1', details: { reason: 'throttled' } }],
      ['plugin.enabled', { actorId: 'u1', subject: 'telegram' }],
      ['plugin.disabled', { actorId: null, subject: 'telegram' }],
    ]);
  });

  it('stops listening once disposed', async () => {
    const { recorded, bus, off } = world();
    off.forEach((dispose) => dispose());
    bus.doAction('user.signed_in', { userId: 'u1', ip: '127.0.0.1' });
    await bus.settled();
    expect(recorded).toEqual([]);
  });
});
