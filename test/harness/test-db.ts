import { randomBytes } from 'node:crypto';
import { createDatabase } from './postgres';

/*
 * One database per integration test file (or per describe block): tests run in parallel
 * workers against the one harness server and must not see each other's rows or migrations.
 */

let counter = 0;

/** Prefix of every database created during the run `runId`; teardown drops them on a server we do not own. */
export function databasePrefix(runId: string): string {
  return `opora_${runId}_`;
}

/** Creates a new, empty database on the harness PostgreSQL and returns its URL. */
export async function freshDatabaseUrl(label: string): Promise<string> {
  const adminUrl = process.env.OPORA_TEST_PG_URL;
  if (!adminUrl) {
    throw new Error(
      'No test PostgreSQL: OPORA_TEST_PG_URL is unset. Run the tests through jest (its global setup ' +
        'starts a server) or set OPORA_TEST_PG_URL to an existing server you may create databases on.',
    );
  }
  const runId = process.env.OPORA_TEST_RUN_ID ?? 'adhoc';
  // The label is for humans reading pg_database. A worker runs several test files, each with its
  // own module registry (and so its own counter): the random part keeps their names apart.
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 24) || 'db';
  const name = `${databasePrefix(runId)}${safeLabel}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  return createDatabase(adminUrl, name);
}
