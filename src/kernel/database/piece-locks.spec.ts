import { PieceLocks, PieceLockTimeoutError } from './piece-locks';

describe('PieceLocks', () => {
  it('hands a name on in the order it was asked for, each holder after the one before lets go', async () => {
    const locks = new PieceLocks();
    const seen: string[] = [];
    const hold = async (who: string) => {
      const release = await locks.take('group');
      seen.push(`${who} in`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`${who} out`);
      release();
    };
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(seen).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
  });

  it('lets different names be held at once', async () => {
    const locks = new PieceLocks();
    const first = await locks.take('group:1');
    const second = await locks.take('group:2'); // would hang if names were one queue
    first();
    second();
  });

  it('gives up after the wait, and the queue goes on past the one who gave up', async () => {
    const locks = new PieceLocks();
    const holder = await locks.take('group');
    await expect(locks.take('group', 20)).rejects.toBeInstanceOf(PieceLockTimeoutError);
    const next = locks.take('group', 1000);
    holder();
    const release = await next; // served once the holder lets go, not held up by the one who left
    release();
  });
});
