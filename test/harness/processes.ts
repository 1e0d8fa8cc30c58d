import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/*
 * Child processes for the test harness: start, wait until ready, stop by PID.
 *
 * Every started PID goes into <harness dir>/pids.jsonl, so global teardown can stop what a crashed
 * test worker left behind, and the next jest run can stop what a killed jest run left behind
 * (see reapStaleRuns). Output goes to a log file, not a pipe: nothing has to keep draining it,
 * and the log is still there to read when a start fails.
 */

/** Env var through which global setup tells the test workers where the harness dir is. */
export const HARNESS_DIR_ENV = 'OPORA_TEST_HARNESS_DIR';
const DIR_PREFIX = 'opora-test-';

/** The harness temp dir of this jest run: os.tmpdir()/opora-test-<pid of the jest main process>. */
export function harnessDir(): string {
  const dir = process.env[HARNESS_DIR_ENV] ?? join(tmpdir(), `${DIR_PREFIX}${process.pid}`);
  // 0755: servers that run as another user (postgres) need to traverse it to reach their own subdir.
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  return dir;
}

export type ReadyCheck =
  | { line: RegExp } // a line in the child's stdout/stderr
  | { probe: () => Promise<boolean> }; // e.g. "a client can connect"; exceptions count as "not yet"

export interface StartOptions {
  name: string; // short label for logs, errors and the PID registry
  command: string;
  args: string[];
  ready: ReadyCheck;
  timeoutMs?: number; // default 15 s
  stopSignal?: NodeJS.Signals; // what stop() and teardown send first; default SIGTERM
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

export interface StartedProcess {
  pid: number;
  name: string;
  logFile: string;
  /** Set once the child has exited, e.g. "code 1" or "signal SIGKILL". */
  exit: () => string | undefined;
  stop: (timeoutMs?: number) => Promise<void>;
}

interface PidRecord {
  pid: number;
  name: string;
  startTime: string | undefined; // /proc start time: tells our process apart from a later one reusing the PID
  stopSignal: NodeJS.Signals;
}

let logCounter = 0;

/** Spawns a child and resolves once it is ready; kills it and rejects (with its log tail) otherwise. */
export async function startProcess(options: StartOptions): Promise<StartedProcess> {
  const dir = harnessDir();
  // A worker runs several test files, each with its own copy of this module (and counter): the
  // random part keeps their log files apart, and 'wx' refuses to ever share one.
  const logFile = join(dir, `${options.name}-${process.pid}-${++logCounter}-${randomBytes(3).toString('hex')}.log`);
  const logFd = openSync(logFile, 'wx');
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    uid: options.uid,
    gid: options.gid,
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd); // the child holds its own copy
  let exit: string | undefined;
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  child.once('exit', (code, signal) => (exit = signal ? `signal ${signal}` : `code ${code}`));
  // A forgotten server must not keep jest alive; teardown stops it explicitly.
  child.unref();
  await new Promise<void>((resolve) => {
    child.once('spawn', resolve);
    child.once('error', () => resolve());
  });
  if (spawnError || child.pid === undefined) {
    throw new Error(`${options.name}: cannot start ${options.command}: ${spawnError?.message ?? 'no PID'}`);
  }
  const pid = child.pid;
  const stopSignal = options.stopSignal ?? 'SIGTERM';
  recordPid({ pid, name: options.name, startTime: procStartTime(pid), stopSignal });

  const started: StartedProcess = {
    pid,
    name: options.name,
    logFile,
    exit: () => exit,
    stop: (timeoutMs) => stopPid(pid, { signal: stopSignal, timeoutMs }).then(() => undefined),
  };
  const ready = 'line' in options.ready ? lineProbe(logFile, options.ready.line) : options.ready.probe;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit !== undefined) {
      throw new Error(`${options.name} exited before it was ready (${exit}). Log ${logFile}:\n${tail(logFile)}`);
    }
    if (await ready().catch(() => false)) return started;
    if (Date.now() > deadline) {
      await started.stop(2_000);
      throw new Error(`${options.name} not ready after ${timeoutMs} ms. Log ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(20);
  }
}

/**
 * Stops a process by PID: `signal`, then waits for it to be gone; after `timeoutMs` SIGKILL.
 * Works for any PID (not only our own children), which is what teardown and reaping need.
 */
export async function stopPid(
  pid: number,
  { signal = 'SIGTERM', timeoutMs = 5_000 }: { signal?: NodeJS.Signals; timeoutMs?: number } = {},
): Promise<'gone' | 'stopped' | 'killed'> {
  if (!isAlive(pid)) return 'gone';
  sendSignal(pid, signal);
  if (await waitGone(pid, timeoutMs)) return 'stopped';
  sendSignal(pid, 'SIGKILL');
  await waitGone(pid, 2_000);
  return 'killed';
}

/** Stops every process recorded in a harness dir that is still the process we started. */
export async function stopRecorded(dir: string = harnessDir()): Promise<number> {
  const alive = readRecords(dir).filter((r) => isAlive(r.pid) && procStartTime(r.pid) === r.startTime);
  await Promise.all(alive.map((r) => stopPid(r.pid, { signal: r.stopSignal })));
  return alive.length;
}

/**
 * Cleans up after jest runs that died without teardown (killed, OOM, Ctrl-C twice): for each
 * opora-test-<pid> dir whose jest process is gone, stop its recorded processes and delete it.
 * Dirs of live jest runs are left alone: others may be running the suite on this machine.
 */
export async function reapStaleRuns(): Promise<void> {
  const root = tmpdir();
  for (const entry of readdirSync(root)) {
    const match = /^opora-test-(\d+)$/.exec(entry);
    if (!match) continue;
    const owner = Number(match[1]);
    if (owner === process.pid || isAlive(owner)) continue;
    const dir = join(root, entry);
    await stopRecorded(dir).catch(() => 0);
    rmSync(dir, { recursive: true, force: true });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie has exited already; only its parent's wait() is missing.
  return procState(pid) !== 'Z';
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function recordPid(record: PidRecord): void {
  // One short line per append: O_APPEND keeps concurrent writers (test workers) from interleaving.
  appendFileSync(join(harnessDir(), 'pids.jsonl'), `${JSON.stringify(record)}\n`);
}

function readRecords(dir: string): PidRecord[] {
  const file = join(dir, 'pids.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as PidRecord];
      } catch {
        return []; // a line cut short by a crash
      }
    });
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  // Exited, but maybe still a zombie: if it is our own child, Node reaps it within a tick or two.
  // Wait briefly for that, so nothing shows up as <defunct> after jest exits.
  const reapDeadline = Date.now() + 500;
  while (procState(pid) === 'Z' && Date.now() < reapDeadline) await sleep(10);
  return true;
}

function sendSignal(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces and ')'. */
function procStatFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone, or no /proc (not Linux): callers then fall back to kill(pid, 0)
  }
}

function procState(pid: number): string | undefined {
  return procStatFields(pid)?.[0]; // field 3 of stat
}

function procStartTime(pid: number): string | undefined {
  return procStatFields(pid)?.[19]; // field 22 of stat: start time in clock ticks since boot
}

function lineProbe(logFile: string, line: RegExp): () => Promise<boolean> {
  return async () => readFileSync(logFile, 'utf8').split('\n').some((l) => line.test(l));
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
