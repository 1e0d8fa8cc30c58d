import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import { UnitOfWork, type TransactionFrame } from './unit-of-work';

/** One held scope: the answers in, and the reads under way per transaction. */
interface Scope {
  readonly answers: Map<string, unknown>;
  readonly underway: WeakMap<TransactionFrame, Map<string, Promise<unknown>>>;
}

/**
 * Reads of settings tables (the workflow, the priority matrix, routing rules, custom fields,
 * notification rules) shared by everything a piece of bulk work does. Inside `hold(work)` each
 * such read's answer is kept once it has arrived and reused, so a batch of messages from a
 * mailbox is taken under one set of rules and does not ask for them for every message; outside it
 * every read goes to the database as before, so a page always shows the rules as they are now.
 *
 * Across transactions only answers are shared, never a read still under way: that read runs in
 * the transaction of whoever started it, and a second transaction waiting for it could wait for
 * ever — the first may itself be waiting for a row the second has locked, a deadlock PostgreSQL
 * cannot see. Readers in different transactions who arrive together each read for themselves.
 * Within one transaction (pieces of work taken together) a read under way is shared: it is on the
 * same connection, so whatever holds it up holds up every reader anyway. A failed read is not kept.
 */
@Injectable()
export class SettingsMemo {
  private readonly scopes = new AsyncLocalStorage<Scope>();

  constructor(private readonly uow: UnitOfWork) {}

  /** Runs `work` with one shared set of settings reads. */
  hold<T>(work: () => Promise<T>): Promise<T> {
    return this.scopes.run({ answers: new Map(), underway: new WeakMap() }, work);
  }

  /** `load()`'s answer, kept under `key` for the rest of the `hold` scope; read afresh outside one. */
  async read<T>(key: string, load: () => Promise<T>): Promise<T> {
    const scope = this.scopes.getStore();
    if (!scope) return load();
    if (scope.answers.has(key)) return scope.answers.get(key) as T;
    const frame = this.uow.current();
    const underway = frame ? (scope.underway.get(frame) ?? new Map<string, Promise<unknown>>()) : null;
    if (frame && underway) scope.underway.set(frame, underway);
    const shared = underway?.get(key);
    if (shared) return shared as Promise<T>;
    const reading = load();
    underway?.set(key, reading);
    try {
      const value = await reading;
      if (!scope.answers.has(key)) scope.answers.set(key, value); // the first answer in stays for the whole scope
      return value;
    } finally {
      underway?.delete(key);
    }
  }
}
