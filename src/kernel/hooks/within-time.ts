/**
 * Settles like `work`, or rejects with `expired()` once `ms` have passed, whichever comes first.
 * The work itself cannot be stopped (a promise has no cancel); it goes on in the background and
 * whatever it settles with later is ignored.
 */
export async function withinTime<T>(work: PromiseLike<T>, ms: number, expired: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(expired()), ms);
    // A hung handler must not keep the process alive on its own (CLI commands, shutdown).
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
