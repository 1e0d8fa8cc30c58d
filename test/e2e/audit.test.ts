import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { AuditEvent } from '../../src/kernel/audit/audit-event.entity';
import { AuditService } from '../../src/kernel/audit/audit.service';
import { CORE_SCHEMA } from '../../src/kernel/database/core-schema';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'correct horse battery staple';
type Agent = ReturnType<typeof request.agent>;

interface ShownRow {
  id: string;
  event: string;
  time: string;
  label: string;
  actor: string;
  subject: string;
  ip: string;
  details: string;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x3D;': '=', '&#x60;': '`' };
const text = (html: string) =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#x27|#x3D|#x60);/g, (entity) => ENTITIES[entity] ?? entity)
    .replace(/\s+/g, ' ')
    .trim();

/** The table rows of an audit page, as a reader sees them. */
function rowsOf(html: string): ShownRow[] {
  return [...html.matchAll(/<tr data-id="(\d+)" data-event="([^"]+)">([\s\S]*?)<\/tr>/g)].map(([, id, event, body]) => {
    const [time, label, actor, subject, ip, details] = [...body!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((cell) => text(cell[1]!));
    return { id: id!, event: event!, time: time!, label: label!, actor: actor!, subject: subject!, ip: ip!, details: details! };
  });
}

/** The "Older" link of a page, unescaped, if there is one. */
function olderLink(html: string): string | undefined {
  const href = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
  return href === undefined ? undefined : href.replace(/&(amp|#x3D);/g, (entity) => ENTITIES[entity]!);
}

const query = (filters: Record<string, string>) => `/admin/audit?${new URLSearchParams(filters)}`;

describe('audit log on PostgreSQL', () => {
  let app: TestApp;
  let admin: Agent;
  const settled = () => app.app.get(HookBus).settled();
  const audit = () => app.app.get(AuditService);
  const db = () => app.boot.database.dataSource;

  async function page(agent: Agent, filters: Record<string, string>, status = 200) {
    const res = await agent.get(query(filters)).expect(status);
    return { html: res.text, rows: rowsOf(res.text) };
  }

  beforeAll(async () => {
    // A low limit, so throttling starts after a few tries.
    app = await startTestApp('postgres', { SECURITY__LOGIN_MAX_ATTEMPTS: '3' });
    await app.app.get(AuthService).createAdmin('audit-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'audit-agent', roles: ['agent'], password: PASSWORD });
    admin = await signedInAgent(app.url, 'audit-admin', PASSWORD);
  });
  afterAll(() => app.stop());

  it('has a table that matches its entity exactly', async () => {
    const url = app.boot.config.get('database_url');
    const source = new DataSource({ type: 'postgres', url, entities: [...new Set([...(CORE_SCHEMA.entities as unknown[]), AuditEvent])] as never });
    await source.initialize();
    try {
      const pending = await source.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await source.destroy();
    }
  });

  it('records a failed and a successful sign-in with the address', async () => {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    await agent.post('/login').type('form').send({ username: 'audit-agent', password: 'not the password', _csrf: csrfOf(form.text) }).expect(401);
    await signedInAgent(app.url, 'audit-agent', PASSWORD);
    await settled();

    const { rows } = await page(admin, { event: 'auth.sign_in', user: 'audit-agent' });
    expect(rows.map(({ event, actor, subject, ip, details }) => ({ event, actor, subject, ip, details }))).toEqual([
      { event: 'auth.sign_in.succeeded', actor: 'audit-agent', subject: '', ip: '127.0.0.1', details: '' },
      { event: 'auth.sign_in.failed', actor: '—', subject: 'audit-agent', ip: '127.0.0.1', details: 'Reason: wrong user name or password' },
    ]);
    expect(rows.map((row) => row.label)).toEqual(['Signed in', 'Sign-in failed']);
  });

  it('records throttled attempts as such, from the address the proxy reports', async () => {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await agent
        .post('/login')
        .set('X-Forwarded-For', '203.0.113.9')
        .type('form')
        .send({ username: 'target-user', password: `guess ${i}`, _csrf: csrfOf(form.text) });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    await settled();

    const { rows } = await page(admin, { ip: '203.0.113.9' });
    // Each attempt's row is written by its own after-commit action: under load two of them may
    // finish out of request order, so the set is compared, not the sequence.
    expect(rows.map((row) => `${row.event} ${row.subject}`).sort()).toEqual([
      'auth.sign_in.failed target-user',
      'auth.sign_in.failed target-user',
      'auth.sign_in.failed target-user',
      'auth.sign_in.throttled target-user',
      'auth.sign_in.throttled target-user',
    ]);
    expect(rows.find((row) => row.event === 'auth.sign_in.throttled')!.details).toBe('Reason: too many failed attempts');
    expect((await page(admin, { event: 'auth.sign_in.throttled', ip: '::ffff:203.0.113.9' })).rows).toHaveLength(2);
  });

  it('records plugin switches with the admin who made them', async () => {
    for (const action of ['enable', 'disable']) {
      const list = await admin.get('/admin/plugins').expect(200);
      await admin.post(`/admin/plugins/welcome-note/${action}`).type('form').send({ _csrf: csrfOf(list.text) }).expect(303);
    }
    await settled();
    const { rows } = await page(admin, { event: 'plugin' });
    // Written after commit by detached actions: compared as a set (see the throttling test).
    const seen = rows.map(({ event, actor, subject }) => ({ event, actor, subject }));
    expect(seen.sort((a, b) => a.event.localeCompare(b.event))).toEqual([
      { event: 'plugin.disabled', actor: 'audit-admin', subject: 'welcome-note' },
      { event: 'plugin.enabled', actor: 'audit-admin', subject: 'welcome-note' },
    ]);
  });

  it('filters by user (as actor or subject, any case), event and address', async () => {
    const byUser = await page(admin, { user: 'AUDIT-ADMIN' });
    expect(new Set(byUser.rows.map((row) => row.event))).toEqual(new Set(['auth.sign_in.succeeded', 'plugin.enabled', 'plugin.disabled']));
    const signIns = await page(admin, { user: 'audit-admin', event: 'auth.sign_in.succeeded' });
    expect(signIns.rows.length).toBeGreaterThan(0);
    expect(signIns.rows.every((row) => row.event === 'auth.sign_in.succeeded' && row.actor === 'audit-admin')).toBe(true);
    expect((await page(admin, { ip: '198.51.100.1' })).rows).toEqual([]);
    expect((await page(admin, { user: 'nobody-at-all' })).html).toContain('No events match these filters.');
  });

  it('reads the date range as days in the viewer’s time zone and shows times there', async () => {
    await app.app.get(AuthService).createAdmin('audit-tashkent', PASSWORD);
    await db().query(`UPDATE users SET time_zone = 'Asia/Tashkent' WHERE username = 'audit-tashkent'`);
    await db().query(
      `INSERT INTO audit_events (occurred_at, event, subject) VALUES ('2025-03-10T18:30:00Z', 'token.created', 'tz-probe'), ('2025-03-10T19:30:00Z', 'token.created', 'tz-probe')`,
    );
    const viewer = await signedInAgent(app.url, 'audit-tashkent', PASSWORD);
    const tenth = await page(viewer, { user: 'tz-probe', from: '2025-03-10', to: '2025-03-10' });
    const eleventh = await page(viewer, { user: 'tz-probe', from: '2025-03-11' });
    expect(tenth.rows.map((row) => row.time)).toEqual(['10/03/2025, 23:30']);
    expect(eleventh.rows.map((row) => row.time)).toEqual(['11/03/2025, 00:30']);
    expect((await page(viewer, { user: 'tz-probe', to: '2025-03-11' })).rows).toHaveLength(2);
    expect(tenth.html).toContain('Asia/Tashkent');
  });

  it('pages through every row once, newest first, without a count', async () => {
    const subject = `paging-${Date.now()}`;
    // Half in one transaction: those rows share its now(), so only the id orders them.
    await app.app.get(UnitOfWork).transaction(async () => {
      for (let i = 0; i < 60; i++) await audit().record('token.created', { subject, details: { n: i } });
    });
    for (let i = 60; i < 120; i++) await audit().record('token.created', { subject, details: { n: i } });

    const expected: string[] = (
      await db().query(`SELECT id FROM audit_events WHERE subject = $1 ORDER BY occurred_at DESC, id DESC`, [subject])
    ).map((row: { id: string }) => String(row.id));
    expect(expected).toHaveLength(120);

    const seen: string[] = [];
    const sizes: number[] = [];
    let next: string | undefined = query({ user: subject });
    while (next) {
      const res = await admin.get(next).expect(200);
      const rows = rowsOf(res.text);
      sizes.push(rows.length);
      seen.push(...rows.map((row) => row.id));
      next = olderLink(res.text);
      if (next) expect(next).toContain(`user=${subject}`);
    }
    expect(sizes).toEqual([50, 50, 20]);
    expect(seen).toEqual(expected);
  });

  it('offers older pages of the unfiltered list too, and a way back to the newest', async () => {
    const first = await admin.get('/admin/audit').expect(200);
    expect(rowsOf(first.text)).toHaveLength(50);
    expect(first.text).not.toContain('← Newest');
    const second = await admin.get(olderLink(first.text)!).expect(200);
    const firstIds = new Set(rowsOf(first.text).map((row) => row.id));
    expect(rowsOf(second.text).length).toBeGreaterThan(0);
    expect(rowsOf(second.text).some((row) => firstIds.has(row.id))).toBe(false);
    expect(second.text).toContain('<a href="/admin/audit">← Newest</a>');
  });

  it('keeps nothing recorded in a transaction that rolls back', async () => {
    const uow = app.app.get(UnitOfWork);
    await expect(
      uow.transaction(async () => {
        await audit().record('user.role.changed', { subject: 'rollback-probe', details: { added: ['agent'] } });
        throw new Error('the change itself failed');
      }),
    ).rejects.toThrow('the change itself failed');
    await uow.transaction(async () => audit().record('user.role.changed', { subject: 'commit-probe' }));
    expect((await page(admin, { user: 'rollback-probe' })).rows).toEqual([]);
    expect((await page(admin, { user: 'commit-probe' })).rows.map((row) => row.event)).toEqual(['user.role.changed']);
  });

  it('re-shows the form with messages and the typed values for bad input', async () => {
    const bad = await page(admin, { user: 'keep-me', ip: 'not-an-address', from: '2026-02-30' }, 400);
    expect(bad.rows).toEqual([]);
    expect(bad.html).toContain('value="keep-me"');
    expect(bad.html).toContain('value="not-an-address"');
    expect(bad.html).toContain('Enter an IP address, for example 192.0.2.10 or 2001:db8::1.');
    expect(bad.html).toContain('Enter a date as YYYY-MM-DD, for example 2026-03-31.');

    const cursor = await page(admin, { event: 'plugin', cursor: 'not-a-cursor' }, 400);
    expect(cursor.html).toContain('This page link is not valid');
    expect(cursor.html).toMatch(/<option value="plugin" selected>/);

    const range = await page(admin, { from: '2026-03-11', to: '2026-03-10' }, 400);
    expect(range.html).toContain('The “From” date is after the “To” date.');
    await page(admin, { event: "auth' OR '1'='1" }, 400);
    // Repeated parameters are not a value either.
    await admin.get('/admin/audit?ip=127.0.0.1&ip=10.0.0.1').expect(400);
    // Other parameters of the page (the language switch) are left alone.
    const russian = await admin.get('/admin/audit?lang=ru').expect(200);
    expect(russian.text).toContain('Журнал аудита');
  });

  it('shows the page only to holders of admin.audit.view', async () => {
    const agent = await signedInAgent(app.url, 'audit-agent', PASSWORD);
    await agent.get('/admin/audit').expect(403);
    expect((await agent.get('/').expect(200)).text).not.toContain('href="/admin/audit"');
    expect((await admin.get('/').expect(200)).text).toContain('href="/admin/audit"');
    const visitor = await request(app.url).get('/admin/audit').expect(303);
    expect(visitor.headers.location).toBe('/login?next=%2Fadmin%2Faudit');
  });
});

describe('audit log on the embedded database', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('embedded');
    await app.app.get(AuthService).createAdmin('embedded-admin', PASSWORD);
  }, 60000);
  afterAll(() => app.stop());

  it('records sign-ins and pages through them', async () => {
    const agent = request.agent(app.url);
    const form = await agent.get('/login').expect(200);
    await agent.post('/login').type('form').send({ username: 'embedded-admin', password: 'wrong one', _csrf: csrfOf(form.text) }).expect(401);
    const admin = await signedInAgent(app.url, 'embedded-admin', PASSWORD);
    const audit = app.app.get(AuditService);
    await app.app.get(UnitOfWork).transaction(async () => {
      for (let i = 0; i < 55; i++) await audit.record('token.created', { subject: 'embedded-paging' });
    });
    await app.app.get(HookBus).settled();

    const signIns = rowsOf((await admin.get(query({ event: 'auth.sign_in' })).expect(200)).text);
    expect(signIns.map((row) => [row.event, row.ip])).toEqual([
      ['auth.sign_in.succeeded', '127.0.0.1'],
      ['auth.sign_in.failed', '127.0.0.1'],
    ]);
    const first = await admin.get(query({ user: 'embedded-paging' })).expect(200);
    const second = await admin.get(olderLink(first.text)!).expect(200);
    const ids = [...rowsOf(first.text), ...rowsOf(second.text)].map((row) => row.id);
    expect(ids).toHaveLength(55);
    expect(new Set(ids).size).toBe(55);
    expect(olderLink(second.text)).toBeUndefined();
  });
});
