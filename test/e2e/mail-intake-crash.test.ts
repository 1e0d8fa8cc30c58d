import { Client } from 'pg';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { freshDatabaseUrl } from '../harness/test-db';
import { eventually, processEnv, runCli, spawnApp, type AppProcess } from '../support/app-process';

// The server as a real process, killed with SIGKILL in the middle of reading 200 messages, then
// started again; then its database connections cut twice in the middle of reading 200 more (what
// the app sees when PostgreSQL restarts): every message ends up as exactly one ticket, none lost
// and none twice.

const BOX = 'crash@desk.example';
const BOX_PASSWORD = 'crash imap secret';
const COUNT = 200;

describe('mail intake across a crash', () => {
  let dovecot: DovecotServer;
  let server: AppProcess | undefined;
  let db: Client;
  let databaseUrl: string;

  beforeAll(async () => {
    dovecot = await startDovecot([{ user: BOX, password: BOX_PASSWORD }]);
    databaseUrl = await freshDatabaseUrl('crash');
    db = new Client({ connectionString: databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await server?.stop().catch(() => undefined);
    await db?.end();
    await dovecot?.stop();
  });

  const tickets = async () => Number((await db.query(`SELECT count(*)::int AS n FROM tickets`)).rows[0].n);

  it('makes exactly one ticket per message when killed mid-poll and restarted', async () => {
    const env = processEnv({ DATABASE_URL: databaseUrl, SECRET_KEY: 'crash-test-secret-key-with-enough-length-0123456789', MAIL__INTAKE_POLL_SECONDS: '1', LOG__LEVEL: 'warn' });
    server = await spawnApp(env);
    expect(runCli(server.env, ['mailbox:add', '--name', 'Crash', '--address', BOX, '--host', '127.0.0.1', '--port', String(dovecot.port), '--security', 'none', '--username', BOX, '--password-stdin'], `${BOX_PASSWORD}\n`)).toMatchObject({ status: 0 });
    await eventually(async () => (await db.query(`SELECT uid_validity FROM mailboxes`)).rows[0]?.uid_validity != null);
    for (let i = 0; i < COUNT; i += 1) {
      dovecot.deliver(BOX, `From: user${i}@client.example\r\nTo: ${BOX}\r\nSubject: Crash ${i}\r\nMessage-ID: <crash-${i}@client.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\n\r\nBody ${i}\r\n`);
    }
    await eventually(async () => (await tickets()) >= 10, 60_000);
    process.kill(server.pid, 'SIGKILL');
    await eventually(async () => {
      try {
        process.kill(server!.pid, 0);
        return false;
      } catch {
        return true;
      }
    });
    const atCrash = await tickets();
    expect(atCrash).toBeLessThan(COUNT);
    server = await spawnApp(env);
    await eventually(async () => (await tickets()) >= COUNT, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000)); // a few more polls: nothing may be added twice
    expect(await tickets()).toBe(COUNT);
    expect((await db.query(`SELECT count(DISTINCT subject)::int AS n FROM tickets`)).rows[0].n).toBe(COUNT);
    expect((await db.query(`SELECT count(*)::int AS n FROM inbound_messages WHERE status = 'ticket'`)).rows[0].n).toBe(COUNT);
  });

  it('makes exactly one ticket per message when the database goes away mid-poll', async () => {
    for (let i = 0; i < COUNT; i += 1) {
      dovecot.deliver(BOX, `From: again${i}@client.example\r\nTo: ${BOX}\r\nSubject: Restart ${i}\r\nMessage-ID: <restart-${i}@client.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\n\r\nBody ${i}\r\n`);
    }
    const cut = () => db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
    await eventually(async () => (await tickets()) >= COUNT + 10, 60_000);
    await cut();
    await eventually(async () => (await tickets()) >= COUNT + 60, 60_000);
    await cut();
    await eventually(async () => (await tickets()) >= 2 * COUNT, 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await tickets()).toBe(2 * COUNT);
    expect((await db.query(`SELECT count(DISTINCT subject)::int AS n FROM tickets WHERE subject LIKE 'Restart %'`)).rows[0].n).toBe(COUNT);
  });
});
