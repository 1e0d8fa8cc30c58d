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
