import { SettingsMemo } from './settings-memo';
import type { TransactionFrame, UnitOfWork } from './unit-of-work';

/** The transaction each reader is in, as the unit of work would tell: the test switches it. */
function transactions() {
  let current: TransactionFrame | undefined;
  const uow = { current: () => current } as unknown as UnitOfWork;
  const frame = () => ({ manager: {}, afterCommit: [], afterRollback: [], inFlight: [] }) as unknown as TransactionFrame;
  return { uow, frame, enter: (next: TransactionFrame | undefined) => (current = next) };
}

describe('SettingsMemo', () => {
  const counted = () => {
    let calls = 0;
    return { load: async () => ++calls, calls: () => calls };
  };

  it('reads every time outside a held scope', async () => {
    const memo = new SettingsMemo(transactions().uow);
    const source = counted();
    expect([await memo.read('workflow', source.load), await memo.read('workflow', source.load)]).toEqual([1, 2]);
  });

  it('reads once per key inside a scope once the answer is in', async () => {
    const memo = new SettingsMemo(transactions().uow);
    const workflow = counted();
    const matrix = counted();
    const seen = await memo.hold(async () => [await memo.read('workflow', workflow.load), await memo.read('workflow', workflow.load), await memo.read('matrix', matrix.load)]);
    expect(seen).toEqual([1, 1, 1]);
    expect([workflow.calls(), matrix.calls()]).toEqual([1, 1]);
  });

  it('never makes a reader wait for a read another transaction started (it may be stuck behind a lock)', async () => {
    const tx = transactions();
    const memo = new SettingsMemo(tx.uow);
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const load = async () => {
      const call = (calls += 1);
      if (call === 1) await stuck; // the first reader's transaction waits for a row lock
      return call;
    };
    const seen = await memo.hold(async () => {
      tx.enter(tx.frame());
      const first = memo.read('rules', load);
      tx.enter(tx.frame());
      const second = await memo.read('rules', load); // answered without the first
      release();
      return [await first, second, await memo.read('rules', load)];
    });
    expect(seen).toEqual([1, 2, 2]);
  });

  it('shares a read under way between readers of one transaction', async () => {
    const tx = transactions();
    const memo = new SettingsMemo(tx.uow);
    const source = counted();
    tx.enter(tx.frame());
    const seen = await memo.hold(() => Promise.all([memo.read('rules', source.load), memo.read('rules', source.load), memo.read('rules', source.load)]));
    expect(seen).toEqual([1, 1, 1]);
    expect(source.calls()).toBe(1);
  });

  it('lets every reader of one transaction see a read under way fail, then reads afresh', async () => {
    const tx = transactions();
    const memo = new SettingsMemo(tx.uow);
    let attempt = 0;
    const flaky = async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('connection lost');
      return 'rules';
    };
    tx.enter(tx.frame());
    const outcome = await memo.hold(async () => {
      const both = await Promise.allSettled([memo.read('rules', flaky), memo.read('rules', flaky)]);
      return [...both.map((one) => one.status), await memo.read('rules', flaky)];
    });
    expect(outcome).toEqual(['rejected', 'rejected', 'rules']);
  });

  it('gives every scope its own reading', async () => {
    const memo = new SettingsMemo(transactions().uow);
    const source = counted();
    const first = await memo.hold(() => memo.read('rules', source.load));
    const second = await memo.hold(() => memo.read('rules', source.load));
    expect([first, second]).toEqual([1, 2]);
  });

  it('does not remember a read that failed', async () => {
    const memo = new SettingsMemo(transactions().uow);
    let attempt = 0;
    const flaky = async () => {
      attempt += 1;
      if (attempt === 1) throw new Error('connection lost');
      return 'rules';
    };
    const outcome = await memo.hold(async () => [await memo.read('rules', flaky).catch((error: Error) => error.message), await memo.read('rules', flaky)]);
    expect(outcome).toEqual(['connection lost', 'rules']);
  });
});
