/*
 * install.sh, for real. SLOW: the installer runs `npm ci` (from the npm cache) and a full
 * TypeScript build, and installs a private Node 24 from the registry's `node` package — about a
 * minute on a warm cache, so each install step may take up to 8 minutes.
 *
 * It runs with --no-systemd (no systemd runs on test machines): everything but the unit file,
 * the service start and the local PostgreSQL set-up is exercised, as root, into a temp folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { freePort } from '../harness/free-port';
import { startProcess, type StartedProcess } from '../harness/processes';
import { freshDatabaseUrl } from '../harness/test-db';
import { CONFIG_KEYS, envNameOf } from '../../src/kernel/config/config-keys';

const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, 'install.sh');
const INSTALL_TIMEOUT_MS = 8 * 60_000;

/**
 * The environment for the installer and the installed app: this process's own (it may carry what
 * the machine needs to reach the npm registry, such as CA bundles) minus what must not leak in:
 * node_modules/.bin on PATH (the installer must see this machine's own Node, as an administrator's
 * shell would), jest's and npm's variables (NODE_ENV=test, NODE_OPTIONS, npm_config_*), and Opora
 * settings, which would win over the local.yml under test.
 */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const opora = new Set([...Object.keys(CONFIG_KEYS).map(envNameOf), 'CONFIG_DIR']);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (opora.has(name) || /^(npm_|NODE_ENV$|NODE_OPTIONS$|JEST_|OPORA_)/i.test(name)) continue;
    env[name] = value;
  }
  env.PATH = (process.env.PATH ?? '/usr/bin:/bin')
    .split(':')
    .filter((dir) => dir !== '' && !dir.includes('node_modules'))
    .join(':');
  return { ...env, ...extra };
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Runs install.sh to the end; rejects with the tail of its output when it fails. */
async function runInstaller(script: string, args: string[], logFile: string): Promise<string> {
  const fd = openSync(logFile, 'w');
  // npm exports NODE to the scripts it runs; the installer must not mistake it for its own choice.
  const env = cleanEnv({ NODE: '/nonexistent/node' });
  const child = spawn('bash', [script, ...args], { env, stdio: ['ignore', fd, fd], detached: true });
  closeSync(fd);
  const timer = setTimeout(() => {
    // Its own process group: npm and tsc go down with it.
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, INSTALL_TIMEOUT_MS);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (c, s) => resolve([c, s]));
    });
    const output = readFileSync(logFile, 'utf8');
    if (code !== 0) {
      // npm buries its reason under pages of usage text: show the telling lines first.
      const telling = output.split('\n').filter((line) => /^opora-install:|^npm error (code|Missing|`npm)/.test(line)).slice(0, 30);
      throw new Error(`install.sh failed (${signal ?? `exit ${code}`}):\n${telling.join('\n')}\n--- last lines (${logFile}) ---\n${tail(output)}`);
    }
    return output;
  } finally {
    clearTimeout(timer);
  }
}

describe('install.sh basics', () => {
  it('is executable and valid bash', () => {
    expect(statSync(SCRIPT).mode & 0o111).not.toBe(0);
    const syntax = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  it('prints usage naming every option with --help', () => {
    const help = spawnSync('bash', [SCRIPT, '--help'], { encoding: 'utf8', env: cleanEnv() });
    expect(help.status).toBe(0);
    const options = ['--prefix', '--config-dir', '--data-dir', '--user', '--database-url', '--port', '--app-url',
      '--no-systemd', '--with-nginx', '--tls-cert', '--tls-key', '--help'];
    for (const option of options) expect(help.stdout).toContain(option);
  });

  it('refuses bad options before touching anything', () => {
    const bad = spawnSync('bash', [SCRIPT, '--no-systemd', '--prefix', '/nonexistent/opora', '--port', 'eighty'], {
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--port must be a number from 1 to 65535');
    expect(existsSync('/nonexistent/opora')).toBe(false);
    const unknown = spawnSync('bash', [SCRIPT, '--colour'], { encoding: 'utf8', env: cleanEnv() });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('unknown option: --colour');
  });
});

describe('install.sh --no-systemd into a temp prefix, twice', () => {
  let dir: string;
  let source: string;
  let args: string[];
  let url: string;
  let databaseUrl: string;
  let app: StartedProcess | undefined;
  let firstConfig: Buffer;

  const configFile = () => join(dir, 'etc', 'local.yml');
  /** The Node the installer chose: its private runtime, else the system's own (already ≥ 24). */
  const installedNode = () => {
    const privateNode = join(dir, 'opt', 'runtime', 'node_modules', '.bin', 'node');
    return existsSync(privateNode) ? privateNode : 'node';
  };

  /** Starts the installed app as the systemd unit would, waits for /readyz, stops it with SIGTERM. */
  async function startReadyStop(): Promise<void> {
    app = await startProcess({
      name: 'installed-opora',
      command: installedNode(),
      args: [join(dir, 'opt', 'app', 'dist', 'src', 'main.js')],
      cwd: join(dir, 'opt', 'app'),
      env: cleanEnv({ CONFIG_DIR: join(dir, 'etc'), NODE_ENV: 'production' }),
      timeoutMs: 60_000,
      ready: {
        probe: async () => {
          const res = await fetch(`${url}/readyz`);
          return res.status === 200 && ((await res.json()) as { ready?: boolean }).ready === true;
        },
      },
    });
    const started = app;
    process.kill(started.pid, 'SIGTERM');
    const deadline = Date.now() + 30_000;
    while (started.exit() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started.exit()).toBe('code 0');
    app = undefined;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'opora-install-'));
    // Install from a snapshot of this tree, like an unpacked release: both runs then see the same
    // sources even while someone edits the working tree, and the second run must change nothing.
    source = join(dir, 'source');
    const skip = new Set(['node_modules', 'dist', 'data', '.git', 'coverage']);
    cpSync(ROOT, source, {
      recursive: true,
      filter: (path) => {
        const rel = relative(ROOT, path);
        return !skip.has(rel.split('/')[0]) && basename(path) !== 'node_modules' && rel !== join('config', 'local.yml');
      },
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    databaseUrl = await freshDatabaseUrl('install_script');
    const user = spawnSync('id', ['-un'], { encoding: 'utf8' }).stdout.trim();
    args = ['--no-systemd', '--prefix', join(dir, 'opt'), '--config-dir', join(dir, 'etc'), '--data-dir', join(dir, 'data'),
      '--user', user, '--database-url', databaseUrl, '--port', String(port), '--app-url', url];
  });

  afterAll(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs: copies, builds, writes the configuration and migrates', async () => {
    const output = await runInstaller(join(source, 'install.sh'), args, join(dir, 'install-1.log'));
    expect(output).toMatch(/opora-install: (using|installing) (the system |the private )?Node/);
    expect(output).toContain('writing');
    expect(output).toContain('database schema is current');
    expect(existsSync(join(dir, 'opt', 'app', 'dist', 'src', 'main.js'))).toBe(true);
    // The source is copied without its .git, data and build output; node_modules comes from npm ci.
    expect(existsSync(join(dir, 'opt', 'app', '.git'))).toBe(false);
    expect(existsSync(join(dir, 'opt', 'app', 'data'))).toBe(false);
    expect(existsSync(join(dir, 'opt', 'app', 'node_modules', '.bin', 'tsc'))).toBe(true);
  }, INSTALL_TIMEOUT_MS + 30_000);

  it('writes local.yml readable by owner and group only, with the settings and a generated secret', () => {
    const stat = statSync(configFile());
    expect((stat.mode & 0o777).toString(8)).toBe('640');
    expect(stat.uid).toBe(0);
    const text = readFileSync(configFile(), 'utf8');
    expect(text).toMatch(/^secret_key: '[0-9a-f]{64}'$/m);
    expect(text).toContain(`port: ${new URL(url).port}\n`);
    expect(text).toContain(`app_url: '${url}'\n`);
    expect(text).toContain(`database_url: '${databaseUrl}'\n`);
    expect(text).toContain(`data_dir: '${join(dir, 'data')}'\n`);
    firstConfig = readFileSync(configFile());
  });

  it('leaves an app that becomes ready and stops cleanly on SIGTERM', async () => {
    await startReadyStop();
  }, 120_000);

  it('changes nothing when run again: same local.yml byte for byte, no rebuild', async () => {
    const output = await runInstaller(join(source, 'install.sh'), args, join(dir, 'install-2.log'));
    expect(output).toContain('is already built from this source tree');
    expect(output).toContain('keeping the existing');
    expect(readFileSync(configFile()).equals(firstConfig)).toBe(true);
  }, INSTALL_TIMEOUT_MS + 30_000);

  it('still leaves an app that becomes ready after the second run', async () => {
    await startReadyStop();
  }, 120_000);
});
