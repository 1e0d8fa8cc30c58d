import { RecentValues } from './recent-values';

describe('RecentValues', () => {
  it('computes once within the time to live, again after it', async () => {
    let now = 0;
    let computed = 0;
    const cache = new RecentValues<number>(10_000, 10, () => now);
    const read = () => cache.get('me', async () => ++computed);
    expect(await read()).toBe(1);
    now = 9_999;
    expect(await read()).toBe(1);
    now = 10_000;
    expect(await read()).toBe(2);
  });

  it('forgets on request and drops the oldest beyond its capacity', async () => {
    const cache = new RecentValues<string>(60_000, 2, () => 0);
    let calls = 0;
    const read = (key: string) => cache.get(key, async () => `${key}${++calls}`);
    expect(await read('a')).toBe('a1');
    cache.forget('a');
    expect(await read('a')).toBe('a2');
    await read('b');
    await read('c'); // drops "a", the oldest
    expect(await read('b')).toBe('b3');
    expect(await read('a')).toBe('a5');
  });
});
