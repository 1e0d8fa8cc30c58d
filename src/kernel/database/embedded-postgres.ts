import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** How the pg driver reaches the embedded server. */
export interface EmbeddedEndpoint {
  /** Directory holding the socket file; the pg driver treats a host starting with "/" as one. */
  readonly socketDir: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Unix socket paths are limited to about 107 bytes; deep DATA_DIRs use a private temp folder. */
const MAX_SOCKET_PATH = 100;
const PORT = 5432;

/**
 * Starts PGlite (PostgreSQL in WASM) on `<dataDir>/pgdata` and serves it on a Unix socket, so the
 * application reaches it through the ordinary `pg` driver with the same SQL and migrations as a
 * real server. PGlite is a single backend session: `maxConnections` must cover the whole pool or
 * the extra connections are refused. The socket sits in a folder only this user can enter, which
 * is its access control (PGlite does not check passwords).
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedEndpoint> {
  const pgdata = join(dataDir, 'pgdata');
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  const db = await PGlite.create({ dataDir: pgdata, extensions: { pg_trgm } });

  let socketDir = join(dataDir, 'run');
  let ownsTempDir = false;
  if (join(socketDir, `.s.PGSQL.${PORT}`).length > MAX_SOCKET_PATH) {
    socketDir = mkdtempSync(join(tmpdir(), 'opora-pg-'));
    ownsTempDir = true;
  } else {
    rmSync(socketDir, { recursive: true, force: true });
    mkdirSync(socketDir, { mode: 0o700 });
  }
  const server = new PGLiteSocketServer({ db, path: join(socketDir, `.s.PGSQL.${PORT}`), maxConnections });
  await server.start();

  return {
    socketDir,
    port: PORT,
    async stop() {
      await server.stop();
      await db.close();
      if (ownsTempDir) rmSync(socketDir, { recursive: true, force: true });
    },
  };
}
