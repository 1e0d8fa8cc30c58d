import { cpus } from 'node:os';
import { benchHookBus } from './hook-bus.bench';
import { benchStartup } from './startup.bench';
import { benchTickets } from './tickets.bench';
import { benchMailIntake } from './mail-intake.bench';

/**
 * `npm run bench [hooks|startup|tickets|mail]`: prints the figures that docs/performance.md records, as Markdown, with the
 * machine they were measured on. Not part of `npm test`: timings never decide a test.
 */
async function main(): Promise<void> {
  const only = process.argv[2];
  const out: string[] = [`Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}.`, ''];
  if (!only || only === 'hooks') {
    out.push('| Hook bus | median | p95 | ratio |', '| --- | --- | --- | --- |', ...(await benchHookBus()), '');
  }
  if (!only || only === 'startup') {
    out.push('| Start-up | process start → /readyz 200 (median) | RSS when idle (median) | runs |', '| --- | --- | --- | --- |', ...(await benchStartup()), '');
  }
  // The ticket benchmark fills a million tickets first (a quarter of an hour): only when asked.
  if (only === 'tickets') out.push(...(await benchTickets()), '');
  if (only === 'mail') out.push(...(await benchMailIntake()), '');
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
