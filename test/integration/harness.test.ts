import { Client } from 'pg';
import { freshDatabaseUrl } from '../harness/test-db';

// Proves the harness server is a real, recent PostgreSQL and that fresh databases are isolated.

async function query<T extends object>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test harness PostgreSQL', () => {
  it('is published to the workers and is PostgreSQL 15 or newer', async () => {
    const url = process.env.OPORA_TEST_PG_URL;
    expect(url).toMatch(/^postgres(ql)?:\/\//);
    const [row] = await query<{ version: string; num: string }>(
      url!,
      `SELECT version() AS version, current_setting('server_version_num') AS num`,
    );
    expect(row.version).toMatch(/^PostgreSQL \d+/);
    expect(Number(row.num)).toBeGreaterThanOrEqual(150000);
  });

  it('creates pg_trgm in a fresh database', async () => {
    const url = await freshDatabaseUrl('harness trgm');
    await query(url, 'CREATE EXTENSION pg_trgm');
    const [row] = await query<{ close: boolean }>(url, `SELECT similarity('service desk', 'servise desk') > 0.3 AS close`);
    expect(row.close).toBe(true);
  });

  it('gives every caller its own database', async () => {
    const [a, b] = await Promise.all([freshDatabaseUrl('harness a'), freshDatabaseUrl('harness a')]);
    expect(a).not.toEqual(b);
    await query(a, `CREATE TABLE ticket (subject text); INSERT INTO ticket VALUES ('only in a')`);
    const inB = await query<{ found: string | null }>(b, `SELECT to_regclass('public.ticket')::text AS found`);
    expect(inB).toEqual([{ found: null }]);
    expect(await query(a, 'SELECT subject FROM ticket')).toEqual([{ subject: 'only in a' }]);
  });
});
