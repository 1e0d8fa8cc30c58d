/*
 * Where a poll starts reading a mailbox, from what we remember of it (UIDVALIDITY and the last
 * UID we took) and what the server says now. Pure, so the cases that lose or replay mail in other
 * help desks are tested here one by one.
 */

export interface RememberedState {
  uidValidity: bigint | null;
  lastUid: number;
}

export interface ServerState {
  uidValidity: bigint;
  uidNext: number;
}

export type SyncPlan =
  /** Fetch UIDs above `afterUid`. */
  | { kind: 'after'; afterUid: number }
  /** First look at the mailbox: only mail received since the date (if one was set), else nothing old. */
  | { kind: 'since'; since: Date; skipUpTo: number }
  | { kind: 'start_here'; lastUid: number }
  /**
   * The server renumbered the folder (UIDVALIDITY changed): old UIDs mean nothing now. Read the
   * unread messages again (the exactly-once record skips those already taken) and go on from the
   * new numbers, rather than replay the whole folder as new mail.
   */
  | { kind: 'reindex'; lastUid: number };

export function syncPlan(remembered: RememberedState, server: ServerState, since: Date | null): SyncPlan {
  if (remembered.uidValidity === null) {
    return since ? { kind: 'since', since, skipUpTo: 0 } : { kind: 'start_here', lastUid: Math.max(0, server.uidNext - 1) };
  }
  if (remembered.uidValidity !== server.uidValidity) return { kind: 'reindex', lastUid: Math.max(0, server.uidNext - 1) };
  return { kind: 'after', afterUid: remembered.lastUid };
}

/**
 * How many messages of a window (their sizes in UID order) the next batch takes: as many as keep
 * the mail it holds in memory — messages up to `inMemoryBytes`; bigger ones go to files — within
 * `budget`, and always at least one, so a batch never stalls.
 */
export function batchLength(sizes: readonly number[], inMemoryBytes: number, budget: number): number {
  let held = 0;
  let count = 0;
  for (const size of sizes) {
    const inMemory = size <= inMemoryBytes ? size : 0;
    if (count > 0 && held + inMemory > budget) break;
    held += inMemory;
    count += 1;
  }
  return count;
}
