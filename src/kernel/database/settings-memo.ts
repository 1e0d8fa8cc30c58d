import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/**
 * Reads of settings tables (the workflow, the priority matrix, routing rules, custom fields,
 * notification rules) shared by everything a piece of bulk work does. Inside `hold(work)` each
 * such read is made once and its answer reused, so a batch of twenty messages from a mailbox is
 * taken under one set of rules and does not ask for them twenty times; outside it every read goes
 * to the database as before, so a page always shows the rules as they are now. A read that fails
 * is not remembered.
 */
@Injectable()
export class SettingsMemo {
  private readonly scopes = new AsyncLocalStorage<Map<string, Promise<unknown>>>();

  /** Runs `work` with one shared set of settings reads. */
  hold<T>(work: () => Promise<T>): Promise<T> {
    return this.scopes.run(new Map(), work);
  }

  /** `load()` once per `hold` scope under `key`; every time outside one. */
  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const memo = this.scopes.getStore();
    if (!memo) return load();
    const known = memo.get(key) as Promise<T> | undefined;
    if (known) return known;
    const loading = load();
    memo.set(key, loading);
    loading.catch(() => memo.delete(key));
    return loading;
  }
}
