/** How long a piece waits for a name another piece holds before it gives up (and fails the work). */
export const PIECE_LOCK_WAIT_MS = 10_000;

/** Thrown when a piece waited too long: the pieces may be waiting for each other. */
export class PieceLockTimeoutError extends Error {
  constructor(name: string) {
    super(`waited over ${PIECE_LOCK_WAIT_MS / 1000} s for "${name}" held by another piece of the same transaction`);
  }
}

/**
 * Named locks between the pieces of work that share one transaction. A row lock cannot keep
 * them apart (they are one transaction to the database), so a piece that would take one also takes
 * the name here. A name is held until the piece ends, as a row lock is held until the transaction
 * ends: what the piece wrote under it is visible to the next holder. Waiting is bounded, so two
 * pieces waiting for each other end in an error, not a hang.
 */
export class PieceLocks {
  private readonly tails = new Map<string, Promise<void>>();

  /** Waits for `name`, then holds it; the returned function lets it go. */
  async take(name: string, waitMs = PIECE_LOCK_WAIT_MS): Promise<() => void> {
    const before = this.tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(name, tail);
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PieceLockTimeoutError(name)), waitMs);
    });
    try {
      await Promise.race([before, timeout]);
    } catch (error) {
      release(); // the queue goes on past this piece
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return release;
  }
}
