import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/**
 * Reads of settings tables (the workflow, the priority matrix, routing rules, custom fields,
 * notification rules) shared by everything a piece of bulk work does. Inside `hold(work)` each
 * such read's answer is kept once it has arrived and reused, so a batch of twenty messages from a
 * mailbox is taken under one set of rules and does not ask for them twenty times; outside it every
 * read goes to the database as before, so a page always shows the rules as they are now.
 *
 * Only answers are shared, never a read still under way: that read runs in the transaction of
 * whoever started it, and a second transaction waiting for it could wait for ever — the first may
 * itself be waiting for a row the second has locked, a deadlock PostgreSQL cannot see. Readers who
 * arrive together each read for themselves. A read that fails is not remembered.
 */
@Injectable()
export class SettingsMemo {
  private readonly scopes = new AsyncLocalStorage<Map<string, unknown>>();

  /** Runs `work` with one shared set of settings reads. */
  hold<T>(work: () => Promise<T>): Promise<T> {
    return this.scopes.run(new Map(), work);
  }

  /** `load()`'s answer, kept under `key` for the rest of the `hold` scope; read afresh outside one. */
  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const memo = this.scopes.getStore();
    if (!memo) return load();
    if (memo.has(key)) return memo.get(key) as T;
    const value = await load();
    if (!memo.has(key)) memo.set(key, value); // the first answer in stays for the whole scope
    return value;
  }
}
