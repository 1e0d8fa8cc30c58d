import { Inject, Injectable, Logger, type LoggerService, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { UnitOfWork } from '../database/unit-of-work';
import type {
  ActionHandler,
  ActionArgs,
  ActionName,
  FilterContext,
  FilterHandler,
  FilterName,
  FilterValue,
  HookName,
} from './hook-catalogue';
import { HookTimeoutError, HookTransactionRequiredError, HookVetoError, messageOf, ownerLabel } from './hook-errors';
import { HookRegistry, type Registration, type StoredHandler } from './hook-registry';
import { HookStack } from './hook-stack';
import { AllPluginsActive, PluginGate } from './plugin-gate';
import { isPromiseLike, withinTime } from './within-time';

export { AllPluginsActive, PluginGate } from './plugin-gate';

/** Limits of the bus; the kernel provides them from config (`hooks.*`), these are the defaults. */
export class HookBusOptions {
  /** Longest one handler may take: a filter then skips it, an in-transaction action is vetoed. */
  readonly handlerTimeoutMs: number = 5000;
  /** How many hooks may run nested in one another before the innermost is refused. */
  readonly maxDepth: number = 10;
}

export interface HandlerOptions {
  /** Lower runs earlier; equal priorities run in registration order. Default 10. */
  priority?: number;
  /** The plugin that owns the handler: it is skipped while that plugin is not active. */
  plugin?: string;
}

/** Injection token for a logger to use instead of Nest's `Logger('HookBus')`. */
export const HOOK_BUS_LOGGER = Symbol('HOOK_BUS_LOGGER');
export type HookBusLogger = Pick<LoggerService, 'error' | 'warn'>;

/** Where the bus finds the plugin gate: Nest's ModuleRef in the app, a stub in tests. */
export interface GateSource {
  get(token: typeof PluginGate, options: { strict: false }): PluginGate;
}

const DEFAULT_PRIORITY = 10;

/**
 * The hook bus: typed actions and filters with WordPress's ordering rules, run with the unit of
 * work in mind. Semantics are described in ARCHITECTURE.md ("The hook bus") and docs/hooks.md.
 */
@Injectable()
export class HookBus {
  private readonly registry = new HookRegistry();
  private readonly stack = new HookStack();
  private readonly errors = new Map<string, number>();
  private readonly detached = new Set<Promise<void>>();
  private readonly options: HookBusOptions;
  private readonly log: HookBusLogger;
  private gateFound?: PluginGate;

  constructor(
    private readonly uow: UnitOfWork,
    @Optional() options?: HookBusOptions,
    @Optional() @Inject(HOOK_BUS_LOGGER) logger?: HookBusLogger,
    // The gate is looked up on first use rather than injected: the plugin registry is the gate
    // and depends on this bus, and a constructor dependency would close that circle.
    @Optional() @Inject(ModuleRef) private readonly gates?: GateSource,
  ) {
    this.options = checkedOptions(options);
    this.log = logger ?? new Logger('HookBus');
  }

  /** Listens to an action; returns the function that stops listening. */
  addAction<N extends ActionName>(name: N, handler: ActionHandler<N>, options: HandlerOptions = {}): () => void {
    return this.registry.add(name, handler as unknown as StoredHandler, options.priority ?? DEFAULT_PRIORITY, options.plugin);
  }

  /** Joins a filter chain; returns the function that leaves it. */
  addFilter<N extends FilterName>(name: N, handler: FilterHandler<N>, options: HandlerOptions = {}): () => void {
    return this.registry.add(name, handler as unknown as StoredHandler, options.priority ?? DEFAULT_PRIORITY, options.plugin);
  }

  /**
   * Announces that something happened. The handlers run after the surrounding transaction
   * commits (at once when none is open; never when it rolls back). The caller neither waits for
   * them nor sees their errors: those are logged and counted against the handler's plugin.
   */
  doAction<N extends ActionName>(name: N, ...[payload]: ActionArgs<N>): void {
    const queued = this.uow.current() !== undefined;
    this.uow.afterCommit(() => {
      // After a commit the hooks running around `transaction()` did not cause this run: start afresh.
      // Run at once, it is nested in the caller's hooks and counts towards the depth bound.
      const run = queued ? this.stack.fresh(() => this.runDetached(name, payload)) : this.runDetached(name, payload);
      this.detached.add(run);
      void run.finally(() => this.detached.delete(run));
    });
  }

  /**
   * Runs the handlers inside the caller's open transaction, in order, awaiting each. A handler that
   * throws or runs out of time vetoes: this rejects with HookVetoError and the transaction rolls back.
   */
  async doActionInTransaction<N extends ActionName>(name: N, ...[payload]: ActionArgs<N>): Promise<void> {
    if (this.uow.current() === undefined) throw new HookTransactionRequiredError(name);
    await this.run(name, async (handlers) => {
      for (const handler of handlers) {
        if (!this.mayRun(handler)) continue;
        try {
          await this.invoke(name, handler, payload);
        } catch (cause) {
          if (cause instanceof HookTimeoutError) this.fail(name, handler, cause, 'in-transaction action handler timed out');
          else this.log.warn(`Hook "${name}": vetoed by a handler of ${ownerLabel(handler.plugin)}: ${messageOf(cause)}`);
          throw new HookVetoError(name, handler.plugin, cause);
        }
      }
    });
  }

  /**
   * Passes `value` through every handler in order and returns the result. A handler that throws or
   * runs out of time is skipped (logged and counted): the value goes on as it was before it.
   */
  async applyFilters<N extends FilterName>(name: N, value: FilterValue<N>, context: FilterContext<N>): Promise<FilterValue<N>> {
    return this.run(name, async (handlers) => {
      let current = value;
      for (const handler of handlers) {
        if (!this.mayRun(handler)) continue;
        try {
          current = (await this.invoke(name, handler, current, context)) as FilterValue<N>;
        } catch (error) {
          this.fail(name, handler, error, 'filter handler skipped');
        }
      }
      return current;
    }, value);
  }

  /** The innermost hook running in this async flow, if any. */
  currentHook(): string | undefined {
    return this.stack.chain().at(-1);
  }

  /** Whether hook `name` (or, without a name, any hook) is running in this async flow. */
  doingHook(name?: HookName): boolean {
    const chain = this.stack.chain();
    return name === undefined ? chain.length > 0 : chain.includes(name);
  }

  /** Handler failures since start, by plugin (`core` for handlers without one). */
  errorCounts(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }

  /** Resolves once every after-commit run started so far (and any they start) has finished. */
  async settled(): Promise<void> {
    while (this.detached.size > 0) await Promise.all(this.detached);
  }

  private async runDetached(name: string, payload: unknown): Promise<void> {
    try {
      await this.run(name, async (handlers) => {
        for (const handler of handlers) {
          if (!this.mayRun(handler)) continue;
          try {
            await this.invoke(name, handler, payload);
          } catch (error) {
            this.fail(name, handler, error, 'action handler failed');
          }
        }
      });
    } catch (error) {
      // Only the depth bound gets here; nobody waits for this run, so the log is the only witness.
      this.log.error(`Hook "${name}" was not run: ${messageOf(error)}`);
    }
  }

  /** Runs `work` over a snapshot of the hook's handlers, as the innermost running hook. */
  private async run<T>(name: string, work: (handlers: readonly Registration[]) => Promise<T>, idle?: T): Promise<T> {
    const handlers = this.registry.snapshot(name);
    // A hook nobody listens to costs nothing: no stack frame, no depth check.
    if (handlers.length === 0) return idle as T;
    return this.stack.enter(name, this.options.maxDepth, () => work(handlers));
  }

  private mayRun(handler: Registration): boolean {
    if (handler.removed) return false;
    return handler.plugin === undefined || this.gate().isActive(handler.plugin);
  }

  /** Calls a handler; a synchronous one costs no timer, an async one gets the time limit. */
  private invoke(name: string, handler: Registration, value: unknown, context?: unknown): unknown {
    const result = handler.handler(value, context);
    if (!isPromiseLike(result)) return result;
    const ms = this.options.handlerTimeoutMs;
    return withinTime(result, ms, () => new HookTimeoutError(name, ms));
  }

  private fail(name: string, handler: Registration, error: unknown, what: string): void {
    const owner = ownerLabel(handler.plugin);
    this.errors.set(owner, (this.errors.get(owner) ?? 0) + 1);
    this.log.error(`Hook "${name}": ${what} (${owner}): ${messageOf(error)}`, error instanceof Error ? error.stack : undefined);
  }

  // Looked up once, on the first plugin handler; the app's graph does not change after it is built.
  // (So no hook should fire from a constructor: the gate may not be built yet.)
  private gate(): PluginGate {
    return (this.gateFound ??= this.findGate());
  }

  private findGate(): PluginGate {
    if (!this.gates) return ALL_ACTIVE;
    try {
      return this.gates.get(PluginGate, { strict: false });
    } catch {
      return ALL_ACTIVE; // nobody provides a gate: every plugin counts as active
    }
  }
}

const ALL_ACTIVE = new AllPluginsActive();

function checkedOptions(given: Partial<HookBusOptions> | undefined): HookBusOptions {
  const options = { ...new HookBusOptions(), ...given };
  if (!(options.handlerTimeoutMs > 0) || !Number.isFinite(options.handlerTimeoutMs)) {
    throw new RangeError(`HookBus: handlerTimeoutMs must be a positive number, got ${options.handlerTimeoutMs}`);
  }
  if (!Number.isInteger(options.maxDepth) || options.maxDepth < 1) {
    throw new RangeError(`HookBus: maxDepth must be a positive integer, got ${options.maxDepth}`);
  }
  return options;
}
