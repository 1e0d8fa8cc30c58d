import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { start, type RunningApp } from '../../src/kernel/boot/start';
import { CommandError } from '../../src/kernel/cli/command-spec';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { PLUGIN_COMMANDS } from '../../src/kernel/plugins/plugin.commands';
import { PluginRegistry, type PluginView } from '../../src/kernel/plugins/plugin-registry.service';
import { freshDatabaseUrl } from '../harness/test-db';
import { csrfOf, signedInAgent } from '../support/forms';
import { tempDir } from '../support/temp-dir';

// Fixture plugins compiled by ts-jest must sit inside the repository; manifests that are not even
// JSON must not (jest reads every package.json it finds). So the modules folder the app gets is a
// temporary one: links to the fixtures, plus the broken manifests written here.
const FIXTURES = join(__dirname, '..', 'fixtures', 'plugins');
const PASSWORD = 'correct horse battery staple';

const BROKEN: Record<string, string> = {
  'broken-json': '{ "name": "broken-json", ',
  'missing-fields': JSON.stringify({ name: 'missing-fields', version: '1.0.0', opora: { compatibility: '^0.1.0' } }),
  'bad-range': JSON.stringify({ name: 'bad-range', version: '1.0.0', description: 'x', opora: { compatibility: 'sometime soon' } }),
  'bad-settings': JSON.stringify({
    name: 'bad-settings',
    version: '1.0.0',
    description: 'x',
    opora: { compatibility: '^0.1.0', settings: { type: 'object', properties: { tags: { type: 'array' } } } },
  }),
  'wrong-name': JSON.stringify({ name: 'other-name', version: '1.0.0', description: 'x', opora: { compatibility: '^0.1.0' } }),
};

function modulesDirWithFixtures(): string {
  const dir = tempDir('plugins');
  for (const name of readdirSync(FIXTURES)) symlinkSync(join(FIXTURES, name), join(dir, name), 'dir');
  for (const [name, manifest] of Object.entries(BROKEN)) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'package.json'), manifest);
  }
  return dir;
}

describe('plugin system', () => {
  let app: RunningApp;
  let modulesDir: string;
  let admin: ReturnType<typeof request.agent>;

  const registry = () => app.app.get(PluginRegistry);
  const row = (name: string): PluginView => registry().list().find((plugin) => plugin.name === name)!;
  const run = (command: string, ...args: string[]) => PLUGIN_COMMANDS[command]!.run(app.app, { args, stdin: '' });

  const signIn = (username: string) => signedInAgent(app.url, username, PASSWORD);

  async function post(agent: ReturnType<typeof request.agent>, path: string, fields: Record<string, string> = {}) {
    const page = await agent.get('/admin/plugins').expect(200);
    return agent.post(path).type('form').send({ ...fields, _csrf: csrfOf(page.text) });
  }

  beforeAll(async () => {
    modulesDir = modulesDirWithFixtures();
    app = await start(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        LOG__LEVEL: 'fatal',
        CONFIG_DIR: join(tmpdir(), 'opora-no-config'),
        DATA_DIR: tempDir('app'),
        DATABASE_URL: await freshDatabaseUrl('plugins'),
        // Low, so the never-resolving handler is given up on quickly.
        HOOKS__HANDLER_TIMEOUT_MS: '300',
      },
      { pluginsDir: modulesDir },
    );
    await app.boot.database.connect();
    const auth = app.app.get(AuthService);
    await auth.createAdmin('plugin-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'plain-user', roles: ['agent'], password: PASSWORD });
    admin = await signIn('plugin-admin');
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(modulesDir, { recursive: true, force: true });
  });

  describe('at boot', () => {
    it('starts the core and answers /healthz although most plugins are broken', async () => {
      await request(app.url).get('/healthz').expect(200, { status: 'ok' });
      const ready = await request(app.url).get('/readyz').expect(200);
      expect(ready.body).toMatchObject({ ready: true });
    });

    it('loads the healthy plugins, disabled until an admin enables them', () => {
      for (const name of ['fixture-routes', 'fixture-throwing-handler', 'fixture-hanging-handler']) {
        expect(row(name)).toMatchObject({ status: 'loaded', enabled: false, error: null });
      }
    });

    it.each([
      ['broken-json', /^package\.json is not valid JSON: /],
      ['missing-fields', /^invalid manifest: description is missing$/],
      ['bad-range', /^invalid manifest: opora\.compatibility must be a semver range such as \^0\.1\.0$/],
      ['bad-settings', /^invalid manifest: opora\.settings must be an object schema/],
      ['wrong-name', /^invalid manifest: name "other-name" must equal the folder name "wrong-name"$/],
      ['fixture-require-throws', /fixture entry exploded while loading/],
      ['fixture-not-defined', /must export default definePlugin/],
      ['fixture-ctor-throws', /^failed to start: fixture constructor exploded$/],
      ['fixture-init-throws', /^failed to start: fixture init exploded$/],
    ])('marks %s failed with its reason', (name, reason) => {
      expect(row(name).status).toBe('failed');
      expect(row(name).error).toMatch(reason);
    });

    it('marks an incompatible range without loading the entry', () => {
      expect(row('fixture-incompatible')).toMatchObject({
        status: 'incompatible',
        error: 'plugin fixture-incompatible requires core >=99.0.0, but this core is 0.1.0',
        version: '1.0.0',
      });
    });
  });

  describe('the plugins page', () => {
    it('lists every plugin with its status and error', async () => {
      const page = await admin.get('/admin/plugins').expect(200);
      expect(page.text).toContain('data-plugin="fixture-ctor-throws" data-status="failed"');
      expect(page.text).toContain('failed to start: fixture constructor exploded');
      expect(page.text).toContain('data-plugin="fixture-incompatible" data-status="incompatible"');
      expect(page.text).toContain('requires core &gt;&#x3D;99.0.0');
      expect(page.text).toContain('data-plugin="fixture-routes" data-status="loaded" data-enabled="false"');
    });

    it('is for admins only', async () => {
      const plain = await signIn('plain-user');
      await plain.get('/admin/plugins').expect(403);
      await plain.get('/admin/plugins/fixture-routes/settings').expect(403);
      await request(app.url).get('/admin/plugins').expect(303).expect('location', '/login?next=%2Fadmin%2Fplugins');
    });

    it('enables and disables with a CSRF-protected form; the route follows at once', async () => {
      await admin.post('/admin/plugins/fixture-routes/enable').type('form').send({}).expect(403);
      expect(row('fixture-routes').enabled).toBe(false);

      expect((await post(admin, '/admin/plugins/fixture-routes/enable')).status).toBe(303);
      expect(row('fixture-routes').enabled).toBe(true);
      const after = await admin.get('/admin/plugins').expect(200);
      expect(after.text).toContain('Plugin enabled.');
      expect(after.text).toContain('data-plugin="fixture-routes" data-status="loaded" data-enabled="true"');
      await admin.get('/plugins/fixture-routes/ping').expect(200);

      const disabled = await post(admin, '/admin/plugins/fixture-routes/disable');
      expect(disabled.status).toBe(303);
      expect(disabled.headers.location).toBe('/admin/plugins');
      expect(row('fixture-routes').enabled).toBe(false);
      await admin.get('/plugins/fixture-routes/ping').expect(404);
    });

    it('answers for a disabled plugin route exactly as for a missing one, signed in or not', async () => {
      for (const agent of [admin, request.agent(app.url)]) {
        const gone = await agent.get('/plugins/fixture-routes/ping').set('Accept', 'application/json').expect(404);
        const missing = await agent.get('/plugins/fixture-routes/no-such-page').set('Accept', 'application/json').expect(404);
        expect({ code: gone.body.code, message: gone.body.message }).toEqual({ code: missing.body.code, message: missing.body.message });
      }
    });

    it('refuses to enable a plugin that failed, saying why', async () => {
      const refused = await post(admin, '/admin/plugins/fixture-ctor-throws/enable');
      expect(refused.status).toBe(303);
      const page = await admin.get('/admin/plugins').expect(200);
      expect(page.text).toContain('did not load, so it cannot be enabled');
      expect(row('fixture-ctor-throws').enabled).toBe(false);
      expect((await post(admin, '/admin/plugins/no-such-plugin/enable')).status).toBe(404);
    });
  });

  describe('the CLI commands', () => {
    it('enable and disable a plugin on the running app', async () => {
      await expect(run('plugins:enable', 'fixture-routes')).resolves.toBe('plugin fixture-routes enabled');
      await admin.get('/plugins/fixture-routes/ping').expect(200);
      await expect(run('plugins:disable', 'fixture-routes')).resolves.toBe('plugin fixture-routes disabled');
      await admin.get('/plugins/fixture-routes/ping').expect(404);
    });

    it('let an enabled plugin render its own page in the layout, in the reader\'s language', async () => {
      await run('plugins:enable', 'fixture-routes');
      const page = await admin.get('/plugins/fixture-routes/page').expect(200);
      expect(page.text).toContain('<h1 id="fixture-page">Fixture page</h1>');
      expect(page.text).toContain('hello &lt;there&gt;');
      expect(page.text).toContain('<main id="main"');
      expect((await admin.get('/plugins/fixture-routes/page?lang=ru').expect(200)).text).toContain('Страница фикстуры');
      await admin.get('/?lang=en').expect(200);
      await run('plugins:disable', 'fixture-routes');
      await admin.get('/plugins/fixture-routes/page').expect(404);
    });

    it('list every plugin with its status', async () => {
      const lines = (await run('plugins:list')).split('\n');
      expect(lines).toContain('fixture-routes\t1.0.0\tloaded\tdisabled\t0 handler errors');
      expect(lines.find((line) => line.startsWith('fixture-incompatible\t'))).toContain('incompatible');
    });

    it('refuse with a one-line reason', async () => {
      await expect(run('plugins:enable', 'fixture-ctor-throws')).rejects.toThrow(CommandError);
      await expect(run('plugins:enable', 'fixture-ctor-throws')).rejects.toThrow(/did not load/);
      await expect(run('plugins:enable', 'nope')).rejects.toThrow('no plugin named "nope" is installed');
      await expect(run('plugins:enable')).rejects.toThrow('usage: plugins:enable NAME');
    });
  });

  describe('handlers at run time', () => {
    beforeAll(async () => {
      for (const name of ['fixture-routes', 'fixture-throwing-handler', 'fixture-hanging-handler']) await registry().setEnabled(name, true, null);
    });

    it('counts a throwing handler against its plugin and leaves the caller unharmed', async () => {
      const user = await signIn('plugin-admin'); // the action on user.signed_in throws
      const dashboard = await user.get('/').expect(200); // the filter throws; the slot still fills
      expect(dashboard.text).toContain('<p id="fixture-routes-slot">still here</p>');
      await app.app.get(HookBus).settled();
      expect(app.app.get(HookBus).errorCounts()['fixture-throwing-handler']).toBeGreaterThanOrEqual(2);
      const page = await admin.get('/admin/plugins').expect(200);
      const count = app.app.get(HookBus).errorCounts()['fixture-throwing-handler'];
      expect(page.text).toMatch(new RegExp(`data-plugin="fixture-throwing-handler"[\\s\\S]*?data-handler-errors="${count}">${count} handler errors`));
      expect(row('fixture-throwing-handler').enabled).toBe(true); // errors never flip the switch
    });

    it('gives up on a handler that never resolves after the timeout', async () => {
      const before = app.app.get(HookBus).errorCounts()['fixture-hanging-handler'] ?? 0;
      const dashboard = await admin.get('/').expect(200);
      expect(dashboard.text).toContain('<p id="fixture-routes-slot">still here</p>');
      expect(app.app.get(HookBus).errorCounts()['fixture-hanging-handler']).toBe(before + 1);
    });

    it('skips the handlers of a disabled plugin', async () => {
      await registry().setEnabled('fixture-throwing-handler', false, null);
      await registry().setEnabled('fixture-hanging-handler', false, null);
      const counts = app.app.get(HookBus).errorCounts();
      await admin.get('/').expect(200);
      expect(app.app.get(HookBus).errorCounts()).toEqual(counts);
    });
  });

  describe('the settings form', () => {
    it('is generated from the schema', async () => {
      const page = await admin.get('/admin/plugins/fixture-routes/settings').expect(200);
      expect(page.text).toMatch(/<select class="field__input" id="field-color" name="color" required[^>]*>/);
      expect(page.text).toContain('<option value="red" selected>red</option>');
      expect(page.text).toContain('<option value="green">green</option>');
      expect(page.text).toMatch(/<input class="field__input" type="number" step="any" id="field-ratio" name="ratio" value=""/);
      expect(page.text).toMatch(/<input type="checkbox" id="field-loud" name="loud" value="on"/);
      expect(page.text).toContain('<p class="field__hint" id="field-note-hint">Free text</p>');
      expect(page.text).toContain('>Colour<');
    });

    it('reports bad values by field and keeps what was typed', async () => {
      const page = await admin.get('/admin/plugins/fixture-routes/settings').expect(200);
      const refused = await admin
        .post('/admin/plugins/fixture-routes/settings')
        .type('form')
        .send({ color: 'blue', ratio: 'lots', note: 'kept <text>', loud: 'on', _csrf: csrfOf(page.text) })
        .expect(400);
      expect(refused.text).toContain('<p class="field__error" id="field-color-error">Must be one of: red, green.</p>');
      expect(refused.text).toContain('<p class="field__error" id="field-ratio-error">Must be a number.</p>');
      expect(refused.text).toContain('value="lots"');
      expect(refused.text).toContain('value="kept &lt;text&gt;"');
      expect(refused.text).toMatch(/name="loud" value="on" checked/);
      expect(registry().savedSettings('fixture-routes')).toEqual({});
    });

    it('saves typed values that the plugin then reads', async () => {
      const page = await admin.get('/admin/plugins/fixture-routes/settings').expect(200);
      await admin
        .post('/admin/plugins/fixture-routes/settings')
        .type('form')
        .send({ color: 'green', ratio: '0.5', note: '', loud: 'on', _csrf: csrfOf(page.text) })
        .expect(303)
        .expect('location', '/admin/plugins/fixture-routes/settings');
      const ping = await admin.get('/plugins/fixture-routes/ping').expect(200);
      expect(ping.body.settings).toEqual({ color: 'green', ratio: 0.5, loud: true });
    });

    it('does not exist for a plugin without a schema or an unknown one', async () => {
      await admin.get('/admin/plugins/fixture-throwing-handler/settings').expect(404);
      await admin.get('/admin/plugins/no-such-plugin/settings').expect(404);
    });
  });
});
