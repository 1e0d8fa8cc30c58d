import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Small timing helpers for the benchmarks: median of repeated samples, after a warm-up. */
export interface Sample {
  readonly medianNs: number;
  readonly p95Ns: number;
}

export async function timeIt(run: () => unknown, { warmup = 2000, samples = 20000 } = {}): Promise<Sample> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start));
  }
  times.sort((a, b) => a - b);
  return { medianNs: times[Math.floor(times.length / 2)], p95Ns: times[Math.floor(times.length * 0.95)] };
}

export function formatNs(ns: number): string {
  if (ns >= 1e9) return `${(ns / 1e9).toFixed(2)} s`;
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(0)} ns`;
}

/** Where the CPU went while `run` ran: this process (and its main thread), and the rest of the machine. */
export interface CpuSpent<T> {
  result: T;
  seconds: number;
  /** CPU seconds of this process, all its threads. */
  processSeconds: number;
  /** Seconds the main thread was busy (event-loop utilisation × wall time). */
  mainThreadSeconds: number;
  /** CPU seconds of every other process (PostgreSQL, Dovecot…); null where /proc/stat cannot be read. */
  othersSeconds: number | null;
  /** Share of the machine's cores busy, 0–1; null where /proc/stat cannot be read. */
  machineBusy: number | null;
}

/** Busy and total time of all cores so far (Linux, in clock ticks), or null elsewhere. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - fields[3]! - fields[4]!, total }; // fields 3 and 4: idle, waiting for I/O
  } catch {
    return null;
  }
}

export async function cpuSpent<T>(run: () => Promise<T>): Promise<CpuSpent<T>> {
  const machineBefore = machineTicks();
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const started = process.hrtime.bigint();
  const result = await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const loop = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  const processSeconds = (cpu.user + cpu.system) / 1e6;
  const machineAfter = machineTicks();
  const machineBusy = machineBefore && machineAfter && machineAfter.total > machineBefore.total ? (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total) : null;
  return {
    result,
    seconds,
    processSeconds,
    mainThreadSeconds: loop.active / 1000,
    othersSeconds: machineBusy === null ? null : Math.max(0, machineBusy * seconds * cpus().length - processSeconds),
    machineBusy,
  };
}
