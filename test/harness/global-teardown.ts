import { rmSync } from 'node:fs';
import { PG_URL_ENV, RUN_ID_ENV, readState } from './global-setup';
import { dropDatabases } from './postgres';
import { HARNESS_DIR_ENV, stopPid, stopRecorded } from './processes';
import { databasePrefix } from './test-db';

/*
 * Runs once after all tests, in the jest main process. Stops what global setup started (by the PID
 * in state.json), then anything a worker started and left running (the PID registry), and deletes
 * the harness dir with its data dirs and logs.
 */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env[HARNESS_DIR_ENV];
  if (!dir) return; // global setup did not run
  const state = readState(dir);
  if (state?.pg?.owned) {
    await stopPid(state.pg.pid, { signal: 'SIGINT' });
    delete process.env[PG_URL_ENV]; // a watch-mode rerun must start its own server again
  } else if (state?.pg) {
    // Someone else's server: leave it running, but take our databases away.
    await dropDatabases(state.pg.url, databasePrefix(state.runId)).catch((err: Error) => {
      console.warn(`opora test teardown: could not drop this run's databases: ${err.message}`);
    });
  }
  await stopRecorded(dir);
  rmSync(dir, { recursive: true, force: true });
  delete process.env[HARNESS_DIR_ENV];
  delete process.env[RUN_ID_ENV];
}
