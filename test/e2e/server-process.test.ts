import { once } from 'node:events';
import { createServer, connect, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort } from '../harness/free-port';
import { freshDatabaseUrl } from '../harness/test-db';
import { eventually, isReady, processEnv, runCli, runServerExpectingExit, spawnApp, type AppProcess } from '../support/app-process';

/** Signs in over HTTP; returns the status of the sign-in POST and the session cookie it set. */
async function signInWithCookie(url: string, username: string, password: string): Promise<{ status: number; session: string }> {
  const page = await fetch(`${url}/login`);
  const cookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password, _csrf: csrf }),
  });
  return { status: res.status, session: res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') };
}

const signIn = async (url: string, username: string, password: string) => (await signInWithCookie(url, username, password)).status;

describe('the server as a process on the embedded database', () => {
  let app: AppProcess;
  const env = processEnv();

  afterAll(() => app?.stop());

  it('starts on a fresh DATA_DIR, becomes ready and prints a setup link', async () => {
    app = await spawnApp(env);
    await eventually(isReady(app.url), 60_000);
    expect(app.log()).toMatch(new RegExp(`open ${app.url}/setup/[\\w-]{40,} within 60 minutes`));
  });

  it('refuses a second server on the same DATA_DIR with a clear message', () => {
    const second = runServerExpectingExit({ ...app.env, PORT: '0' });
    expect(second.status).toBe(75);
    expect(second.stderr).toContain(`DATA_DIR ${env.DATA_DIR} is in use by another Opora process (pid ${app.pid})`);
  });

  it('hands CLI commands to the running server', async () => {
    const created = runCli(app.env, ['admin:create', '--username', 'ops', '--password-stdin'], 'a sufficiently long pass\n');
    expect(created).toMatchObject({ status: 0, stdout: 'administrator "ops" is ready\n' });
    expect(await signIn(app.url, 'ops', 'a sufficiently long pass')).toBe(303);
    const agent = runCli(app.env, ['user:create', '--username', 'agent.smith', '--roles', 'agent,specialist', '--password-stdin'], 'agent password long\n');
    expect(agent).toMatchObject({ status: 0, stdout: 'user "agent.smith" created with roles agent, specialist\n' });
    expect(await signIn(app.url, 'agent.smith', 'agent password long')).toBe(303);
    const unknownRole = runCli(app.env, ['user:create', '--username', 'x', '--roles', 'wizard']);
    expect(unknownRole).toMatchObject({ status: 1, stderr: 'opora: Unknown role: wizard.\n' });
    const group = runCli(app.env, ['group:create', '--name', 'Служба ИТ', '--lead', 'ops', '--members', 'agent.smith']);
    expect(group).toMatchObject({ status: 0, stdout: 'work group "Служба ИТ" created\n' });
    const again = runCli(app.env, ['group:create', '--name', 'служба ит']);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('служба ит');
    expect(runCli(app.env, ['ldap:test'])).toMatchObject({ status: 0, stdout: 'no directory is configured\n' });
    expect(runCli(app.env, ['ldap:sync'])).toMatchObject({ status: 0, stdout: 'no directory is enabled\n' });
    const migrate = runCli(app.env, ['migrate']);
    expect(migrate).toMatchObject({ status: 0, stdout: 'database schema is current\n' });
  });

  it('rejects a weak password from the CLI with the reason', () => {
    const weak = runCli(app.env, ['admin:create', '--username', 'weak', '--password-stdin'], 'short\n');
    expect(weak.status).toBe(1);
    expect(weak.stderr).toMatch(/^opora: .*12/);
  });

  it('stops cleanly on SIGTERM and keeps its data across a restart', async () => {
    process.kill(app.pid, 'SIGTERM');
    await eventually(async () => app.exit() !== undefined, 30_000);
    expect(app.exit()).toBe('code 0');
    app = await spawnApp(app.env);
    await eventually(isReady(app.url), 60_000);
    expect(await signIn(app.url, 'ops', 'a sufficiently long pass')).toBe(303);
    // The admin account exists already and has a live link: no second link is printed.
    expect(app.log()).not.toContain('First start');
  });

  it('works standalone once the server is gone', async () => {
    await app.stop();
    const listed = runCli(app.env, ['migrate']);
    expect(listed).toMatchObject({ status: 0, stdout: 'database schema is current\n' });
  });
});

describe('bad start-up input', () => {
  it('stops with one line naming a bad setting', () => {
    const result = runServerExpectingExit(processEnv({ PORT: 'eighty', LOG__LEVEL: 'loud' }));
    expect(result.status).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([
      'opora: configuration error: PORT (port in the environment) is "eighty": expected a whole number from 0 to 65535',
      'opora: configuration error: LOG__LEVEL (log.level in the environment) is "loud": expected one of trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('checks configuration from the CLI', () => {
    expect(runCli(processEnv({ SESSION__IDLE_MINUTES: '1' }), ['config:check'])).toMatchObject({ status: 78 });
    expect(runCli(processEnv(), ['config:check']).status).toBe(0);
  });

  it('stops when DATA_DIR cannot be written', () => {
    const file = join(tmpdir(), `opora-not-a-dir-${process.pid}`);
    writeFileSync(file, 'x');
    const result = runServerExpectingExit(processEnv({ DATA_DIR: join(file, 'data') }));
    expect(result.status).toBe(73);
    expect(result.stderr).toContain(`DATA_DIR ${join(file, 'data')} is not writable (ENOTDIR)`);
  });
});

/** A TCP relay that can be switched off and on, standing in for a database server that goes away. */
async function relayTo(targetPort: number, listenPort: number): Promise<Server> {
  const relay = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  relay.listen(listenPort, '127.0.0.1');
  await once(relay, 'listening');
  return relay;
}

describe('PostgreSQL that is away at start', () => {
  let app: AppProcess;
  let relay: Server | undefined;
  afterAll(async () => {
    await app?.stop();
    relay?.close();
  });

  it('serves /healthz, reports /readyz 503, and becomes ready when the database appears', async () => {
    const real = new URL(await freshDatabaseUrl('away'));
    const relayPort = await freePort();
    const viaRelay = new URL(real);
    viaRelay.port = String(relayPort);
    app = await spawnApp(processEnv({ DATABASE_URL: viaRelay.toString(), DATABASE__CONNECT_RETRY_MAX_SECONDS: '1' }));
    const notReady = await fetch(`${app.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, database: false, state: 'connecting' });
    expect((await fetch(`${app.url}/login`)).status).toBe(503);
    relay = await relayTo(Number(real.port), relayPort);
    await eventually(isReady(app.url), 30_000);
    expect(app.log()).toContain('database not reachable');
  });
});

describe('secret key shared by nodes', () => {
  it('refuses a node whose generated key differs from the one the database was set up with', async () => {
    const databaseUrl = await freshDatabaseUrl('secret');
    const first = await spawnApp(processEnv({ DATABASE_URL: databaseUrl }));
    try {
      await eventually(isReady(first.url), 60_000);
      const second = runServerExpectingExit(processEnv({ DATABASE_URL: databaseUrl, PORT: '0' }));
      expect(second.status).toBe(78);
      expect(second.stderr).toContain('set the same SECRET_KEY on every node');
      const shared = 'x'.repeat(40);
      const mismatch = runServerExpectingExit(processEnv({ DATABASE_URL: databaseUrl, PORT: '0', SECRET_KEY: shared }));
      expect(mismatch.stderr).toContain('SECRET_KEY is not the key this database was set up with');
    } finally {
      await first.stop();
    }
  });
});

describe('two app nodes on one PostgreSQL database', () => {
  it('start together, migrate once, and share sessions', async () => {
    const shared = { DATABASE_URL: await freshDatabaseUrl('nodes'), SECRET_KEY: 's'.repeat(48) };
    const [a, b] = await Promise.all([spawnApp(processEnv(shared)), spawnApp(processEnv(shared))]);
    try {
      await Promise.all([eventually(isReady(a.url), 60_000), eventually(isReady(b.url), 60_000)]);
      expect(runCli(a.env, ['admin:create', '--username', 'nodeadmin', '--password-stdin'], 'shared nodes password\n').status).toBe(0);
      // Sign in on node A, then use the same cookie on node B.
      const { status, session } = await signInWithCookie(a.url, 'nodeadmin', 'shared nodes password');
      expect(status).toBe(303);
      const onB = await fetch(`${b.url}/`, { headers: { cookie: session }, redirect: 'manual' });
      expect(onB.status).toBe(200);
      const problems = (log: string) => log.split('\n').filter((line) => /"level":(40|50|60)/.test(line));
      expect([...problems(a.log()), ...problems(b.log())]).toEqual([]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});

describe('an administrator created before the first start', () => {
  it('means no setup link and no stray admin account', async () => {
    const env = processEnv();
    const created = runCli(env, ['admin:create', '--username', 'early', '--password-stdin'], 'created before start\n');
    expect(created).toMatchObject({ status: 0, stdout: 'administrator "early" is ready\n' });
    const app = await spawnApp(env);
    try {
      await eventually(isReady(app.url), 60_000);
      expect(app.log()).not.toContain('First start');
      expect(await signIn(app.url, 'early', 'created before start')).toBe(303);
      expect(await signIn(app.url, 'admin', 'anything at all')).toBe(401);
    } finally {
      await app.stop();
    }
  });
});
