import request from 'supertest';
import { AuthService } from '../../../src/identity/auth.service';
import { HookBus } from '../../../src/kernel/hooks/hook-bus';
import { PluginRegistry } from '../../../src/kernel/plugins/plugin-registry.service';
import { startTestApp, type TestApp } from '../../../test/support/test-app';
import { WelcomeNotePruneJob } from '../src/prune.job';
import { csrfOf, signedInAgent } from '../../../test/support/forms';

const PASSWORD = 'correct horse battery staple';

describe('welcome-note plugin', () => {
  let app: TestApp;
  let admin: { id: string };

  /** Signs in through the form and waits until the after-commit handlers of the sign-in are done. */
  async function signIn(): Promise<ReturnType<typeof request.agent>> {
    const agent = await signedInAgent(app.url, 'note-admin', PASSWORD);
    await app.app.get(HookBus).settled();
    return agent;
  }

  async function countRow(): Promise<number | undefined> {
    const rows = await app.boot.database.dataSource.query(`SELECT sign_ins FROM welcome_note_sign_ins WHERE user_id = $1`, [admin.id]);
    return rows[0]?.sign_ins;
  }

  beforeAll(async () => {
    app = await startTestApp('postgres');
    admin = await app.app.get(AuthService).createAdmin('note-admin', PASSWORD);
  });
  afterAll(() => app.stop());

  it('loads, starts disabled, and its migration ran on the fresh database', async () => {
    const row = app.app.get(PluginRegistry).list().find((plugin) => plugin.name === 'welcome-note');
    expect(row).toMatchObject({ status: 'loaded', enabled: false, error: null, version: '0.1.0' });
    const db = app.boot.database.dataSource;
    expect((await db.query(`SELECT to_regclass('welcome_note_sign_ins') IS NOT NULL AS present`))[0].present).toBe(true);
    const applied = await db.query(`SELECT name FROM opora_migrations WHERE source = 'welcome-note'`);
    expect(applied).toEqual([{ name: 'WelcomeNoteSignIns1765000000000' }]);
    // The entity and the migration describe the same table, with the same index and key names.
    const drift = (await db.driver.createSchemaBuilder().log()).upQueries.map((query) => query.query);
    expect(drift.filter((query) => query.includes('welcome_note'))).toEqual([]);
  });

  it('does nothing while disabled: no count, no note, its route is missing', async () => {
    const agent = await signIn();
    expect(await countRow()).toBeUndefined();
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).not.toContain('welcome-note');
    await agent.get('/plugins/welcome-note/stats').expect(404);
  });

  it('once enabled, counts sign-ins and shows the note with the count', async () => {
    await app.app.get(PluginRegistry).setEnabled('welcome-note', true, null);
    const agent = await signIn();
    expect(await countRow()).toBe(1);
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).toContain('Welcome to the service desk');
    expect(dashboard.text).toContain('You have signed in 1 time.');
    await signIn();
    const again = await agent.get('/?lang=ru').expect(200);
    expect(again.text).toContain('Вы входили 2 раза.');
    const stats = await agent.get('/plugins/welcome-note/stats').set('Accept', 'application/json').expect(200);
    expect(stats.body).toEqual({ people: 1, signIns: 2 });
  });

  it('shows the message saved on its settings page, escaped', async () => {
    const agent = await signIn();
    const page = await agent.get('/admin/plugins/welcome-note/settings').expect(200);
    expect(page.text).toContain('value="Welcome to the service desk"');
    await agent
      .post('/admin/plugins/welcome-note/settings')
      .type('form')
      .send({ message: 'Hello <b>team</b>', showOnDashboard: 'on', retentionDays: '30', _csrf: csrfOf(page.text) })
      .expect(303);
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).toContain('Hello &lt;b&gt;team&lt;/b&gt;');
    expect(dashboard.text).not.toContain('Welcome to the service desk');
  });

  it('refuses an out-of-range setting, re-showing what was typed with the error', async () => {
    const agent = await signIn();
    const page = await agent.get('/admin/plugins/welcome-note/settings').expect(200);
    const refused = await agent
      .post('/admin/plugins/welcome-note/settings')
      .type('form')
      .send({ message: 'Typed but not saved', showOnDashboard: 'on', retentionDays: '0', _csrf: csrfOf(page.text) })
      .expect(400);
    expect(refused.text).toContain('value="Typed but not saved"');
    expect(refused.text).toContain('Must be at least 1.');
    expect(refused.text).toContain('aria-invalid="true"');
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).toContain('Hello &lt;b&gt;team&lt;/b&gt;');
  });

  it('hides the note when the checkbox is cleared', async () => {
    const agent = await signIn();
    const page = await agent.get('/admin/plugins/welcome-note/settings').expect(200);
    await agent.post('/admin/plugins/welcome-note/settings').type('form').send({ message: 'Hidden', _csrf: csrfOf(page.text) }).expect(303);
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).not.toContain('welcome-note__message');
    const settings = await agent.get('/admin/plugins/welcome-note/settings').expect(200);
    expect(settings.text).not.toMatch(/name="showOnDashboard" value="on" checked/);
  });

  it('prunes old counts from its scheduled job only while enabled', async () => {
    await app.boot.database.dataSource.query(`UPDATE welcome_note_sign_ins SET last_sign_in_at = now() - interval '400 days'`);
    const job = app.app.get(WelcomeNotePruneJob);
    await app.app.get(PluginRegistry).setEnabled('welcome-note', false, null);
    expect(await job.run()).toBe(0);
    expect(await countRow()).toBeGreaterThan(0);
    await app.app.get(PluginRegistry).setEnabled('welcome-note', true, null);
    expect(await job.run()).toBe(1);
    expect(await countRow()).toBeUndefined();
  });

  it('once disabled again: note gone, handler skipped, route 404 like a missing one', async () => {
    const agent = await signIn();
    const page = await agent.get('/admin/plugins/welcome-note/settings').expect(200);
    await agent.post('/admin/plugins/welcome-note/settings').type('form').send({ showOnDashboard: 'on', _csrf: csrfOf(page.text) }).expect(303);
    await signIn();
    const before = await countRow();
    expect(before).toBeGreaterThan(0);
    expect((await agent.get('/').expect(200)).text).toContain('Welcome to the service desk');

    await app.app.get(PluginRegistry).setEnabled('welcome-note', false, null);
    await signIn();
    expect(await countRow()).toBe(before);
    expect((await agent.get('/').expect(200)).text).not.toContain('welcome-note__message');
    const gone = await agent.get('/plugins/welcome-note/stats').set('Accept', 'application/json').expect(404);
    const missing = await agent.get('/plugins/welcome-note/nothing-here').set('Accept', 'application/json').expect(404);
    expect(gone.body.code).toBe(missing.body.code);
    expect(gone.body.message).toBe(missing.body.message);
  });
});
