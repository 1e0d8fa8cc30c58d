/*
 * Which messages of a batch may be taken at the same time. Messages from one sender, and messages
 * that point at one another (a reply and what it replies to), form one chain taken in UID order;
 * different chains share nothing a ticket could be found by, so they may run side by side. Pure:
 * reads only the head of each raw message.
 */

export interface Fetched {
  uid: number;
  size: number;
  /** The start of the message (its headers): all of it for a small message. */
  head: Buffer;
  /** A small message, in memory … */
  raw?: Buffer;
  /** … or a big one, already streamed to a file. */
  file?: string;
}

const HEAD_BYTES = 16 * 1024;

/** The sender and the Message-IDs a message names (its own, In-Reply-To, References), lower case. */
export function threadKeys(raw: Buffer): string[] {
  const head = raw.subarray(0, HEAD_BYTES).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const unfolded = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ');
  const keys: string[] = [];
  for (const line of unfolded.split(/\r?\n/)) {
    const match = /^(from|message-id|in-reply-to|references):(.*)$/i.exec(line);
    if (!match) continue;
    const value = match[2]!.toLowerCase();
    if (match[1]!.toLowerCase() === 'from') keys.push(`from:${/[^\s<>"]+@[^\s<>"]+/.exec(value)?.[0] ?? value.trim()}`);
    else keys.push(...(value.match(/<[^<>\s]+>/g) ?? []).map((id) => `id:${id}`));
  }
  return keys;
}

/** The batch split into chains (each in UID order) that touch no common sender or message. */
export function intakeChains(batch: readonly Fetched[]): Fetched[][] {
  const parent = batch.map((_, index) => index);
  const root = (index: number): number => (parent[index] === index ? index : (parent[index] = root(parent[index]!)));
  const owner = new Map<string, number>();
  batch.forEach((message, index) => {
    for (const key of threadKeys(message.head)) {
      const seen = owner.get(key);
      if (seen === undefined) owner.set(key, index);
      else parent[root(index)] = root(seen);
    }
  });
  const chains = new Map<number, Fetched[]>();
  batch.forEach((message, index) => {
    const key = root(index);
    chains.set(key, [...(chains.get(key) ?? []), message]);
  });
  return [...chains.values()].map((chain) => chain.sort((a, b) => a.uid - b.uid));
}
