/** Who registered a handler, as shown in logs and error counts: the plugin, or `core`. */
export function ownerLabel(plugin: string | undefined): string {
  return plugin ?? 'core';
}

/**
 * An in-transaction action handler threw or ran out of time, so the operation is refused. The
 * caller's transaction rolls back when this error leaves it; `cause` is what the handler threw.
 */
export class HookVetoError extends Error {
  override readonly name = 'HookVetoError';

  constructor(
    readonly hook: string,
    readonly plugin: string | undefined,
    override readonly cause: unknown,
  ) {
    super(`Hook "${hook}" was vetoed by a handler of ${ownerLabel(plugin)}: ${messageOf(cause)}`, { cause });
  }
}

/** Hooks kept triggering each other deeper than the configured bound. */
export class HookDepthError extends Error {
  override readonly name = 'HookDepthError';

  constructor(readonly chain: readonly string[]) {
    super(`Hooks nested deeper than ${chain.length - 1}: ${chain.join(' → ')}`);
  }
}

/** A handler neither returned nor threw within the configured time. */
export class HookTimeoutError extends Error {
  override readonly name = 'HookTimeoutError';

  constructor(
    readonly hook: string,
    readonly timeoutMs: number,
  ) {
    super(`A handler of hook "${hook}" did not finish within ${timeoutMs} ms`);
  }
}

/** doActionInTransaction was called where no transaction is open, so there is nothing to veto. */
export class HookTransactionRequiredError extends Error {
  override readonly name = 'HookTransactionRequiredError';

  constructor(readonly hook: string) {
    super(`doActionInTransaction("${hook}") needs an open transaction: call it inside UnitOfWork.transaction()`);
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
