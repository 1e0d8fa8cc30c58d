/**
 * A small per-process memory of recently computed values (a person's queue counts), each kept for
 * `ttlMs` and the oldest dropped beyond `capacity`, so repeated page views within a few seconds do
 * not recompute what cannot have changed much. Values are approximate by design: use it only for
 * figures the page presents as such.
 */
export class RecentValues<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, compute: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = await compute();
    this.entries.delete(key);
    this.entries.set(key, { value, at: this.now() });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Forgets a key, so the next read computes afresh (after the person's own change). */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
