import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { harnessDir, startProcess } from './processes';

/*
 * A throwaway PostgreSQL server for tests: initdb into the harness temp dir, start on a free
 * loopback port, stop by PID. Durability is switched off (fsync, synchronous_commit,
 * full_page_writes): the data dies with the run, and this keeps initdb + start near one second.
 */

export interface PostgresServer {
  url: string; // admin URL: postgres://postgres@127.0.0.1:<port>/postgres
  port: number;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

const MIN_MAJOR = 15; // what Debian 12 ships and what the product supports

/** bin dir of the highest installed PostgreSQL >= 15 (Debian layout), or OPORA_PG_BIN if set. */
export function findPostgresBin(): string {
  const override = process.env.OPORA_PG_BIN;
  if (override) return override;
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && Number(v) >= MIN_MAJOR)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')) && existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) {
    throw new Error(
      `No PostgreSQL >= ${MIN_MAJOR} server binaries in ${root}/<version>/bin. ` +
        'Install them (apt-get install -y postgresql; test/run-all.sh does it), ' +
        'set OPORA_PG_BIN to a bin dir with initdb and postgres, or set OPORA_TEST_PG_URL to an existing server.',
    );
  }
  return join(root, majors[0], 'bin');
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  const owner = serverUser();
  const base = mkdtempSync(join(harnessDir(), 'pg-')); // also the Unix socket dir (-k)
  const dataDir = join(base, 'data');
  if (owner) chownSync(base, owner.uid, owner.gid);
  try {
    execFileSync(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions'],
      { cwd: base, uid: owner?.uid, gid: owner?.gid, stdio: 'pipe' },
    );
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`initdb failed: ${(err as Error).message}\n${stderr}`);
  }

  // The free port can be taken between probing and binding; then postgres exits and we retry.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    try {
      const server = await startProcess({
        name: 'postgres',
        command: join(bin, 'postgres'),
        args: [
          '-D', dataDir, '-p', String(port), '-k', base,
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
          // Every test file opens its own pool, and jest runs files in parallel.
          '-c', 'max_connections=200',
        ],
        ready: { probe: () => canConnect(url) },
        stopSignal: 'SIGINT', // "fast" shutdown: ends sessions, no waiting for clients to leave
        cwd: base,
        uid: owner?.uid,
        gid: owner?.gid,
      });
      return {
        url,
        port,
        pid: server.pid,
        dataDir,
        stop: async () => {
          await server.stop();
          rmSync(base, { recursive: true, force: true });
        },
      };
    } catch (err) {
      if (attempt < 3 && /could not bind|already in use/i.test(String(err))) continue;
      rmSync(base, { recursive: true, force: true });
      throw err;
    }
  }
}

/** Creates an empty database (from template0, so concurrent creates never collide) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  assertIdentifier(name);
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE "${name}" TEMPLATE template0`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every database whose name starts with `prefix` (cleanup on a server the harness does not own). */
export async function dropDatabases(adminUrl: string, prefix: string): Promise<number> {
  assertIdentifier(prefix);
  return withClient(adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    return rows.length;
  });
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function canConnect(url: string): Promise<boolean> {
  // Refused while the postmaster binds; "starting up" errors until recovery is done.
  await withClient(url, (c) => c.query('SELECT 1'));
  return true;
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error('Running as root, but there is no `postgres` user to run the server as (apt-get install -y postgresql creates it).');
  }
}

function assertIdentifier(name: string): void {
  // Names are interpolated into SQL, so only plain lowercase identifiers are allowed.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${JSON.stringify(name)}`);
}
