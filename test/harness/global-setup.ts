import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startPostgres } from './postgres';
import { HARNESS_DIR_ENV, harnessDir, reapStaleRuns, stopRecorded } from './processes';

/*
 * Runs once per jest run, in the jest main process, before any worker starts. Environment
 * variables set here are inherited by the workers, which is how tests find the servers:
 *   OPORA_TEST_PG_URL       admin URL of the PostgreSQL server (see test-db.ts)
 *   OPORA_TEST_RUN_ID       short id of this run; prefixes the databases tests create
 *   OPORA_TEST_HARNESS_DIR  os.tmpdir()/opora-test-<pid>: logs, data dirs, PID registry, state.json
 * Chromium is not started here: browser tests launch it themselves (browser.ts), so a run
 * without browser tests pays nothing for it.
 */

export const PG_URL_ENV = 'OPORA_TEST_PG_URL';
export const RUN_ID_ENV = 'OPORA_TEST_RUN_ID';

export interface HarnessState {
  runId: string;
  pg?: { url: string; owned: true; pid: number; dataDir: string } | { url: string; owned: false };
  setupMs: number;
}

export function stateFile(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): HarnessState | undefined {
  const file = stateFile(dir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as HarnessState) : undefined;
}

export default async function globalSetup(): Promise<void> {
  const startedAt = Date.now();
  // Our own dir, even if a caller's environment carries another run's value.
  process.env[HARNESS_DIR_ENV] = join(tmpdir(), `opora-test-${process.pid}`);
  const dir = harnessDir();
  const runId = randomBytes(3).toString('hex');
  process.env[RUN_ID_ENV] = runId;
  await reapStaleRuns();

  const state: HarnessState = { runId, setupMs: 0 };
  try {
    if (needsDatabase()) {
      const external = process.env[PG_URL_ENV];
      if (external) {
        await checkReachable(external);
        state.pg = { url: external, owned: false };
      } else {
        const pg = await startPostgres();
        process.env[PG_URL_ENV] = pg.url;
        state.pg = { url: pg.url, owned: true, pid: pg.pid, dataDir: pg.dataDir };
      }
    }
  } catch (err) {
    // Jest skips global teardown when global setup fails: clean up here.
    await stopRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  state.setupMs = Date.now() - startedAt;
  writeFileSync(stateFile(dir), JSON.stringify(state, null, 2));
}

/**
 * Unit-only runs (`--selectProjects unit`, i.e. npm run test:unit) do not need a server. Jest does
 * not hand global setup the selected projects, so read them from the jest command line; when in
 * doubt, start the server.
 */
function needsDatabase(argv: string[] = process.argv): boolean {
  const values = (flag: string): string[] | undefined => {
    const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
    if (at < 0) return undefined;
    if (argv[at].includes('=')) return argv[at].slice(flag.length + 1).split(',');
    const rest = argv.slice(at + 1);
    const end = rest.findIndex((a) => a.startsWith('-'));
    return end < 0 ? rest : rest.slice(0, end);
  };
  const selected = values('--selectProjects');
  if (selected && !selected.includes('integration')) return false;
  return !(values('--ignoreProjects') ?? []).includes('integration');
}

async function checkReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new Error(`${PG_URL_ENV} is set but the server is not usable: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
