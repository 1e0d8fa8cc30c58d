import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createDatabase, startPostgres } from '../test/harness/postgres';
import { freePort } from '../test/harness/free-port';
import { projectRoot } from '../src/kernel/paths';
import { visibilityScope, type VisibilityScope } from '../src/identity/visibility/visibility-scope';
import { COUNTED_QUEUES, type Queue, type QueueContext } from '../src/tickets/queues';
import type { Sort } from '../src/tickets/queue-order';
import { searchQuery } from '../src/tickets/search-query';
import { QUEUE_COUNT_CAP, QUEUE_PAGE_SIZE } from '../src/tickets/ticket.service';
import { eventsStatement, messagesStatement, queueCountsStatement, queuePageStatement, ticketStatement, type Statement } from '../src/tickets/ticket.repository';
import { generateDesk } from './ticket-data';
import { requestListStatement } from '../src/portal/request-list';
import { PORTAL_PAGE_SIZE } from '../src/portal/portal.service';

/*
 * The agent workspace at scale: fills a throwaway PostgreSQL with BENCH_TICKETS tickets (default
 * 1,000,000) and about three messages each, starts the compiled server on it, signs in as an
 * administrator and as an agent of one group, and times each page over HTTP on loopback (p50/p95)
 * against the same SQL run directly through pg (the statements the page's repository builds,
 * with the same parameters): the ratio says what the application adds to the database's work.
 */

const PASSWORD = 'bench password 2026';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);

interface Timing {
  p50: number;
  p95: number;
}

async function timeMany(run: (i: number) => Promise<unknown>, samples = SAMPLES): Promise<Timing> {
  for (let i = 0; i < 3; i++) await run(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await run(i);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.min(times.length - 1, Math.floor(times.length * 0.95))]! };
}

/** A signed-in browser without a browser: the session cookie, kept by hand. */
async function signIn(base: string, username: string): Promise<string> {
  const form = await fetch(`${base}/login`);
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password: PASSWORD, _csrf: token }),
  });
  if (res.status !== 303) throw new Error(`sign-in of ${username} answered ${res.status}`);
  return (res.headers.get('set-cookie') ?? cookie).split(';')[0]!;
}

async function page(base: string, cookie: string, path: string): Promise<void> {
  const res = await fetch(`${base}${path}`, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  await res.arrayBuffer();
}

function cli(env: NodeJS.ProcessEnv, args: string[], input?: string): void {
  const run = spawnSync(join(projectRoot(), 'node_modules', '.bin', 'node'), [join(projectRoot(), 'dist', 'src', 'cli.js'), ...args], { env, input, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${run.stderr}`);
}

export async function benchTickets(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string[]> {
  const size = Number(process.env.BENCH_TICKETS ?? 1_000_000);
  const pg = await startPostgres();
  const dataDir = mkdtempSync(join(tmpdir(), 'opora-bench-'));
  const url = await createDatabase(pg.url, 'opora_bench');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PATH: process.env.PATH,
    LOG__LEVEL: 'warn',
    CONFIG_DIR: join(tmpdir(), 'opora-no-config'),
    DATA_DIR: dataDir,
    DATABASE_URL: url,
    PORT: String(port),
    HOST: '127.0.0.1',
    MAIL__POLL_SECONDS: '3600',
    TICKETS__AUTO_CLOSE_DAYS: '0',
  };
  const server = spawn(join(projectRoot(), 'node_modules', '.bin', 'node'), [join(projectRoot(), 'dist', 'src', 'main.js')], { env, stdio: 'ignore' });
  const db = new Client({ connectionString: url });
  try {
    for (;;) {
      if ((await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200) break;
      if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await db.connect();
    log(`generating ${size.toLocaleString('en')} tickets…`);
    const desk = await generateDesk(db, size, log);
    log(`generated ${desk.tickets.toLocaleString('en')} tickets and ${desk.messages.toLocaleString('en')} messages in ${desk.seconds.toFixed(0)} s`);

    cli(env, ['admin:create', '--username', 'bench-admin', '--password-stdin'], `${PASSWORD}\n`);
    cli(env, ['user:create', '--username', 'bench-agent', '--roles', 'agent', '--password-stdin'], `${PASSWORD}\n`);
    const { rows: [agent] } = await db.query<{ id: string; group_id: string }>(
      `INSERT INTO work_group_members (group_id, user_id) SELECT (SELECT id FROM work_groups ORDER BY name LIMIT 1), id FROM users WHERE username = 'bench-agent' RETURNING user_id AS id, group_id`,
    );
    const adminCookie = await signIn(base, 'bench-admin');
    const agentCookie = await signIn(base, 'bench-agent');
    const scopes: Record<'admin' | 'agent', VisibilityScope> = {
      admin: { kind: 'all' },
      agent: visibilityScope({ id: agent!.id, roles: ['agent'] }, { memberOf: [agent!.group_id], leads: [], ledMembers: [] }),
    };
    const [{ id: adminId }] = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'bench-admin'`)).rows as [{ id: string }];
    const contexts: Record<'admin' | 'agent', QueueContext> = {
      admin: { userId: adminId, groupIds: [], pendingStatuses: ['waiting'] },
      agent: { userId: agent!.id, groupIds: [agent!.group_id], pendingStatuses: ['waiting'] },
    };
    const { rows: sample } = await db.query<{ number: string }>(`SELECT number::text FROM tickets WHERE type = 'incident' ORDER BY random() LIMIT 200`);
    const sql = (statement: Statement) => db.query(statement.sql, statement.params);
    const listSql = (who: 'admin' | 'agent', queue: Queue, sort: Sort, search?: string) => async () => {
      await sql(queuePageStatement(scopes[who], { queue, sort, context: contexts[who], limit: QUEUE_PAGE_SIZE + 1, ...(search ? { search: { tsquery: searchQuery(search)!, staff: true } } : {}) }));
      await sql(queueCountsStatement(scopes[who], COUNTED_QUEUES, contexts[who], QUEUE_COUNT_CAP));
    };

    if (process.env.BENCH_EXPLAIN) {
      // The plans behind the figures, for docs/performance.md when a page misses its target.
      for (const [label, statement] of [
        ['agent counts', queueCountsStatement(scopes.agent, COUNTED_QUEUES, contexts.agent, QUEUE_COUNT_CAP)],
        ['agent all', queuePageStatement(scopes.agent, { queue: 'all', sort: 'updated', context: contexts.agent, limit: QUEUE_PAGE_SIZE + 1 })],
        ['agent search', queuePageStatement(scopes.agent, { queue: 'all', sort: 'updated', context: contexts.agent, limit: QUEUE_PAGE_SIZE + 1, search: { tsquery: searchQuery('принтер')!, staff: true } })],
      ] as const) {
        const { rows: plan } = await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
        log(`--- ${label}\n${plan.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')}`);
      }
    }
    const rows: string[] = [];
    const measure = async (label: string, http: (i: number) => Promise<unknown>, bare: (i: number) => Promise<unknown>) => {
      const pageTime = await timeMany(http);
      const sqlTime = await timeMany(bare);
      rows.push(`| ${label} | ${pageTime.p50.toFixed(1)} ms | ${pageTime.p95.toFixed(1)} ms | ${sqlTime.p50.toFixed(1)} ms | ${sqlTime.p95.toFixed(1)} ms | ${(pageTime.p95 / sqlTime.p95).toFixed(1)}× |`);
      log(rows.at(-1)!);
    };
    for (const sort of ['updated', 'created', 'priority', 'due'] as const) {
      await measure(`queue "all", sort ${sort} (administrator)`, () => page(base, adminCookie, `/tickets?queue=all&sort=${sort}`), listSql('admin', 'all', sort));
    }
    for (const queue of ['mine', 'groups', 'unassigned', 'all'] as const) {
      await measure(`queue "${queue}", sort updated (agent of one group)`, () => page(base, agentCookie, `/tickets?queue=${queue}`), listSql('agent', queue, 'updated'));
    }
    await measure(`queue "groups", sort priority (agent of one group)`, () => page(base, agentCookie, `/tickets?queue=groups&sort=priority`), listSql('agent', 'groups', 'priority'));
    await measure(
      'ticket page (administrator)',
      (i) => page(base, adminCookie, `/tickets/INC-${sample[i % sample.length]!.number}`),
      async (i) => {
        const { rows: [ticket] } = await sql(ticketStatement(scopes.admin, 'incident', Number(sample[i % sample.length]!.number)));
        await sql(messagesStatement((ticket as { id: string }).id, true));
        await sql(eventsStatement((ticket as { id: string }).id));
      },
    );
    for (const [who, cookie] of [['admin', adminCookie], ['agent', agentCookie]] as const) {
      // A word in most tickets, two in many, a rare one, one inventory number, a requester's login.
      for (const words of ['принтер', 'сеть доступ', 'бухгалтерия', 'инв4711', 'user1234']) {
        await measure(`search "${words}" (${who === 'admin' ? 'administrator' : 'agent of one group'})`, () => page(base, cookie, `/tickets?q=${encodeURIComponent(words)}`), listSql(who, 'all', 'updated', words));
      }
    }

    // The portal: a requester with 300 requests in an organisation that shares its ~3,300.
    cli(env, ['user:create', '--username', 'bench-requester', '--roles', 'requester', '--password-stdin'], `${PASSWORD}\n`);
    const { rows: [requester] } = await db.query<{ id: string; organisation_id: string }>(
      `UPDATE users SET organisation_id = (SELECT organisation_id FROM users WHERE username = 'user1') WHERE username = 'bench-requester' RETURNING id, organisation_id`,
    );
    await db.query(`UPDATE organisations SET requests_shared = true WHERE id = $1`, [requester!.organisation_id]);
    await db.query(`UPDATE tickets SET requester_id = $1 WHERE id IN (SELECT id FROM tickets WHERE organisation_id = $2 LIMIT 300)`, [requester!.id, requester!.organisation_id]);
    // The agent's bell: 20,000 notifications, 60 of them unread.
    await db.query(
      `INSERT INTO notifications (user_id, ticket_id, event, data, created_at, read_at)
       SELECT $1, t.id, 'replied', jsonb_build_object('ref', 'INC-' || t.number, 'subject', t.subject), now() - g * interval '1 minute', CASE WHEN g > 60 THEN now() END
         FROM generate_series(1, 20000) g JOIN LATERAL (SELECT id, number, subject FROM tickets OFFSET g LIMIT 1) t ON true`,
      [agent!.id],
    );
    await db.query('ANALYZE');
    const requesterCookie = await signIn(base, 'bench-requester');
    const portalSql = (scope: 'mine' | 'organisation', state: 'open' | 'all', limit: number) => () =>
      sql(requestListStatement({ scope, ownerId: scope === 'mine' ? requester!.id : requester!.organisation_id, state, resolvedStatuses: ['resolved'], limit }));
    await measure('portal home (requester)', () => page(base, requesterCookie, '/portal'), portalSql('mine', 'open', 6));
    await measure('portal "my requests", open', () => page(base, requesterCookie, '/portal/requests'), portalSql('mine', 'open', PORTAL_PAGE_SIZE + 1));
    await measure('portal "organisation\'s requests", all', () => page(base, requesterCookie, '/portal/requests?scope=organisation&state=all'), portalSql('organisation', 'all', PORTAL_PAGE_SIZE + 1));
    await measure('notification poll (agent, 20,000 entries)', () => page(base, agentCookie, '/notifications/poll'), () =>
      db.query(`SELECT count(*)::int FROM (SELECT 1 FROM notifications WHERE user_id = $1 AND read_at IS NULL LIMIT 100) n`, [agent!.id]));
    await measure('notifications page (agent)', () => page(base, agentCookie, '/notifications'), () =>
      db.query(`SELECT n.id FROM notifications n WHERE n.user_id = $1 ORDER BY n.created_at DESC, n.id DESC LIMIT 31`, [agent!.id]));
    return [
      `Data: ${desk.tickets.toLocaleString('en')} tickets, ${desk.messages.toLocaleString('en')} messages, generated in ${desk.seconds.toFixed(0)} s. ${SAMPLES} samples a row after 3 warm-ups.`,
      '',
      '| Page | page p50 | page p95 | SQL p50 | SQL p95 | page p95 / SQL p95 |',
      '| --- | --- | --- | --- | --- | --- |',
      ...rows,
    ];
  } finally {
    await db.end().catch(() => undefined);
    server.kill('SIGTERM');
    await new Promise((resolve) => (server.exitCode !== null ? resolve(undefined) : server.once('exit', resolve)));
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
