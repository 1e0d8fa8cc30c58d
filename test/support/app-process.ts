import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../harness/free-port';
import { startProcess, type StartedProcess } from '../harness/processes';
import { tempDir } from './temp-dir';

/** The project root and the Node 24 binary every npm script runs on. */
export const ROOT = join(__dirname, '..', '..');
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');

export interface AppProcess extends StartedProcess {
  readonly url: string;
  readonly env: NodeJS.ProcessEnv;
  log(): string;
}

/** The environment a compiled server or CLI gets in tests: quiet, no config files, own DATA_DIR. */
export function processEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG__LEVEL: 'info',
    CONFIG_DIR: join(tmpdir(), 'opora-no-config'),
    DATA_DIR: tempDir('proc'),
    ...extra,
  };
}

/**
 * Runs the compiled server (`node dist/src/main.js`, as `npm start` does after building) as a
 * real process on a free port; ready once /healthz answers (the database may still be away).
 */
export async function spawnApp(env: NodeJS.ProcessEnv): Promise<AppProcess> {
  const port = env.PORT ?? String(await freePort());
  const url = `http://127.0.0.1:${port}`;
  const fullEnv = { ...env, PORT: port, HOST: '127.0.0.1', APP_URL: url };
  const started = await startProcess({
    name: 'opora',
    command: NODE,
    args: [join(ROOT, 'dist', 'src', 'main.js')],
    env: fullEnv,
    timeoutMs: 60_000,
    ready: { probe: async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok ?? false },
  });
  return { ...started, url, env: fullEnv, log: () => readFileSync(started.logFile, 'utf8') };
}

/** Polls `check` until it holds or the deadline passes. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
}

export const isReady = (url: string) => async () => (await fetch(`${url}/readyz`)).status === 200;

/** Runs the compiled CLI (`npm run opora -- …`) and returns its exit code and output. */
export function runCli(env: NodeJS.ProcessEnv, args: string[], stdin = ''): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(NODE, [join(ROOT, 'dist', 'src', 'cli.js'), ...args], { env, input: stdin, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the compiled server expecting it to refuse to start; returns its exit code and stderr. */
export function runServerExpectingExit(env: NodeJS.ProcessEnv): { status: number | null; stderr: string } {
  const result = spawnSync(NODE, [join(ROOT, 'dist', 'src', 'main.js')], { env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stderr: result.stderr };
}
