import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { startPostgres } from '../test/harness/postgres';
import { projectRoot } from '../src/kernel/paths';

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Run {
  readyMs: number;
  rssMb: number;
}

/** Starts the compiled server, measures process start → /readyz 200 and RSS once idle, stops it. */
async function startOnce(env: Record<string, string>): Promise<Run> {
  const root = projectRoot();
  const port = await freePort();
  const started = process.hrtime.bigint();
  const child = spawn(join(root, 'node_modules', '.bin', 'node'), [join(root, 'dist', 'src', 'main.js')], {
    env: { PATH: process.env.PATH, LOG__LEVEL: 'warn', CONFIG_DIR: join(tmpdir(), 'opora-no-config'), PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      const res = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (res?.status === 200) break;
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
    return { readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
}

function row(label: string, runs: Run[]): string {
  const ready = runs.map((run) => run.readyMs).sort((a, b) => a - b);
  const rss = runs.map((run) => run.rssMb).sort((a, b) => a - b);
  const median = (values: number[]) => values[Math.floor(values.length / 2)];
  return `| ${label} | ${median(ready).toFixed(0)} ms | ${median(rss).toFixed(0)} MB | ${runs.length} |`;
}

/** Start-up time to /readyz and idle memory, embedded (fresh and existing data) and PostgreSQL. */
export async function benchStartup(repeat = 3): Promise<string[]> {
  const rows: string[] = [];
  const fresh: Run[] = [];
  const existing: Run[] = [];
  for (let i = 0; i < repeat; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'opora-bench-'));
    fresh.push(await startOnce({ DATA_DIR: dataDir }));
    existing.push(await startOnce({ DATA_DIR: dataDir }));
    rmSync(dataDir, { recursive: true, force: true });
  }
  rows.push(row('embedded PGlite, fresh DATA_DIR (creates the database)', fresh));
  rows.push(row('embedded PGlite, existing DATA_DIR', existing));

  const server = await startPostgres();
  try {
    const pg: Run[] = [];
    for (let i = 0; i < repeat; i++) {
      const admin = new Client({ connectionString: server.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE bench_${i}`);
      await admin.end();
      const url = new URL(server.url);
      url.pathname = `/bench_${i}`;
      pg.push(await startOnce({ DATA_DIR: mkdtempSync(join(tmpdir(), 'opora-bench-')), DATABASE_URL: url.toString() }));
    }
    rows.push(row('PostgreSQL 15, fresh database (runs migrations)', pg));
  } finally {
    await server.stop();
  }
  return rows;
}
