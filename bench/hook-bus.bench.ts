import { HookBus } from '../src/kernel/hooks/hook-bus';
import { fakeTransactions } from '../src/kernel/hooks/testing/fake-data-source';
import { formatNs, timeIt } from './measure';

/**
 * The bus's overhead: applyFilters through 10 handlers against a plain loop over the same 10
 * functions, and doAction to 10 handlers (outside a transaction, so they run at once).
 */
export async function benchHookBus(): Promise<string[]> {
  const bus = new HookBus(fakeTransactions().uow);
  const functions = Array.from({ length: 10 }, (_, i) => (value: string) => (value.length > 1000 ? value : value + String(i % 10)));
  functions.forEach((fn, i) => bus.addFilter('web.page.title', (value) => fn(value), { priority: i }));
  let sink = 0;
  for (let i = 0; i < 10; i++) bus.addAction('user.signed_in', ({ userId }) => void (sink += userId.length));

  const plain = await timeIt(async () => {
    let value = 'x';
    for (const fn of functions) value = fn(value);
    return value;
  });
  const filters = await timeIt(() => bus.applyFilters('web.page.title', 'x', { view: 'bench' }));
  const actions = await timeIt(async () => {
    bus.doAction('user.signed_in', { userId: 'u1', ip: '127.0.0.1' });
    await bus.settled();
  });
  if (sink === 0) throw new Error('action handlers did not run');

  return [
    `| applyFilters, 10 handlers | ${formatNs(filters.medianNs)} | ${formatNs(filters.p95Ns)} | ${(filters.medianNs / plain.medianNs).toFixed(1)}× the plain loop |`,
    `| plain async loop over the same 10 functions | ${formatNs(plain.medianNs)} | ${formatNs(plain.p95Ns)} | 1× |`,
    `| doAction, 10 handlers (run and settled) | ${formatNs(actions.medianNs)} | ${formatNs(actions.p95Ns)} | |`,
  ];
}
