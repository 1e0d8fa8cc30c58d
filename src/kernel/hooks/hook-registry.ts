/** A handler as the bus stores it; the typed signatures live on HookBus's methods. */
export type StoredHandler = (value: unknown, context?: unknown) => unknown;

/** One handler on one hook. `removed` lets a run that already holds it skip it at once. */
export interface Registration {
  readonly handler: StoredHandler;
  readonly priority: number;
  readonly plugin: string | undefined;
  removed: boolean;
}

const NONE: readonly Registration[] = Object.freeze([]);

/**
 * The handlers of every hook, each list sorted by priority and then by registration order.
 * Lists are replaced on every change, never edited in place, so a run iterates the list it
 * started with (a snapshot for free): a handler added mid-run joins from the next run.
 */
export class HookRegistry {
  private readonly lists = new Map<string, readonly Registration[]>();

  /**
   * Adds a handler and returns its disposer. The same handler at the same priority on the same
   * hook is kept once; registering it again changes nothing and returns a disposer that does
   * nothing, so only the first registration's owner can take it away.
   */
  add(hook: string, handler: StoredHandler, priority: number, plugin: string | undefined): () => void {
    if (!Number.isFinite(priority)) throw new RangeError(`Hook "${hook}": priority must be a finite number, got ${priority}`);
    const list = this.lists.get(hook) ?? NONE;
    if (list.some((entry) => entry.handler === handler && entry.priority === priority)) return () => undefined;
    const registration: Registration = { handler, priority, plugin, removed: false };
    const at = list.findIndex((entry) => entry.priority > priority);
    this.lists.set(hook, at === -1 ? [...list, registration] : [...list.slice(0, at), registration, ...list.slice(at)]);
    return () => this.remove(hook, registration);
  }

  /** The handlers to run now, in order; never changes under the caller. */
  snapshot(hook: string): readonly Registration[] {
    return this.lists.get(hook) ?? NONE;
  }

  private remove(hook: string, registration: Registration): void {
    if (registration.removed) return;
    registration.removed = true;
    const rest = this.snapshot(hook).filter((entry) => entry !== registration);
    if (rest.length > 0) this.lists.set(hook, rest);
    else this.lists.delete(hook);
  }
}
