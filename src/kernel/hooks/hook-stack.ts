import { AsyncLocalStorage } from 'node:async_hooks';
import { HookDepthError } from './hook-errors';

const EMPTY: readonly string[] = Object.freeze([]);

/**
 * Which hooks are running in the current async flow, outermost first. Node interleaves requests,
 * so a global stack (WordPress's) would mix them up; AsyncLocalStorage gives each flow its own.
 * Entering runs the work with a new, longer chain instead of pushing onto a shared array, so there
 * is nothing to pop: the chain ends with the work, whether it returns or throws.
 */
export class HookStack {
  private readonly storage = new AsyncLocalStorage<readonly string[]>();

  chain(): readonly string[] {
    return this.storage.getStore() ?? EMPTY;
  }

  /** Runs `work` as hook `name`, nested in whatever hook is running; refuses beyond `maxDepth`. */
  enter<T>(name: string, maxDepth: number, work: () => Promise<T>): Promise<T> {
    const chain = Object.freeze([...this.chain(), name]);
    if (chain.length > maxDepth) throw new HookDepthError(chain);
    return this.storage.run(chain, work);
  }

  /** Runs `work` as if no hook were running (for runs detached from the flow that queued them). */
  fresh<T>(work: () => T): T {
    return this.storage.run(EMPTY, work);
  }
}
