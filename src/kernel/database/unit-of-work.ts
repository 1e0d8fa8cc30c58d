import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** Where a unit of work finds its data source; DatabaseService implements it (and tests fake it). */
export abstract class DataSourceProvider {
  /** The ready data source, or a DatabaseUnavailableError while the database is not reachable. */
  abstract get dataSource(): DataSource;
}

/** One open transaction: its manager, the callbacks waiting for its commit and its writes in flight. */
export interface TransactionFrame {
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => void>;
  /** Writes sent with `write` whose answers have not been checked yet. */
  readonly inFlight: Array<Promise<void>>;
  /** The first of those writes that failed: the transaction's real cause of failure. */
  failure?: unknown;
}

/**
 * The unit of work: the transaction (if any) that the current request or job runs in, carried by
 * AsyncLocalStorage so that repositories and the hook bus find it without it being passed around.
 * Inside a transaction only its own manager may be used: on the embedded database any other
 * connection would wait for this transaction forever.
 */
@Injectable()
export class UnitOfWork {
  private readonly frames = new AsyncLocalStorage<TransactionFrame>();

  constructor(private readonly source: DataSourceProvider) {}

  /** The manager to query with: the open transaction's, else the data source's own. */
  manager(): EntityManager {
    return this.frames.getStore()?.manager ?? this.source.dataSource.manager;
  }

  /** The open transaction, if the caller runs inside one. */
  current(): TransactionFrame | undefined {
    return this.frames.getStore();
  }

  /**
   * Runs `work` in a transaction. Nested calls join the outer transaction, so a service that needs
   * atomicity can always ask for it. Callbacks queued with afterCommit run once the outermost
   * transaction commits, outside it; a rollback discards them.
   */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const open = this.frames.getStore();
    if (open) return work(open.manager);
    let frame: TransactionFrame | undefined;
    const result = await this.source.dataSource.transaction((manager) => {
      const opened: TransactionFrame = { manager, afterCommit: [], inFlight: [] };
      frame = opened;
      return this.frames.run(opened, () => this.settled(opened, work));
    });
    const callbacks = frame?.afterCommit ?? [];
    this.frames.exit(() => callbacks.forEach((callback) => callback()));
    return result;
  }

  /**
   * Sends a write whose result nobody reads (a history row, a search vector). Inside a transaction
   * on a pipelined connection it goes out at once and is not waited for: the statements that
   * follow queue behind it on the same connection, PostgreSQL runs them in order, and its answer is
   * checked before the commit — a failed write fails the transaction with its own error. Elsewhere
   * it is simply awaited. This saves a round trip per write, which is most of a write's cost.
   */
  async write(sql: string, params: unknown[]): Promise<void> {
    const open = this.frames.getStore();
    if (!open || !this.pipelined()) {
      await this.manager().query(sql, params);
      return;
    }
    open.inFlight.push(
      open.manager.query(sql, params).then(
        () => undefined,
        (error: unknown) => {
          open.failure ??= error;
        },
      ),
    );
  }

  /** The work's result once every write it sent has answered; the first failed write's error wins. */
  private async settled<T>(frame: TransactionFrame, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work(frame.manager);
    } catch (error) {
      await Promise.all(frame.inFlight);
      // A statement after a failed write fails only because the transaction is aborted.
      throw frame.failure ?? error;
    }
    await Promise.all(frame.inFlight);
    if (frame.failure !== undefined) throw frame.failure;
    return result;
  }

  /** Whether the connections send statements without waiting for the one before (real PostgreSQL). */
  private pipelined(): boolean {
    return (this.source.dataSource.options as { extra?: { pipeline?: boolean } }).extra?.pipeline === true;
  }

  /**
   * Waits for, then holds until the open transaction ends, a lock named `name` shared by every
   * node on the database (a PostgreSQL transaction-level advisory lock). On the embedded database
   * one process owns the data and transactions already run one at a time.
   */
  async lockForTransaction(name: string): Promise<void> {
    const open = this.frames.getStore();
    if (!open) throw new Error(`lockForTransaction("${name}") needs an open transaction`);
    await open.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [name]);
  }

  /**
   * Runs `callback` after the open transaction commits, or at once when none is open. The callback
   * is responsible for its own errors: it runs detached from the caller.
   */
  afterCommit(callback: () => void): void {
    const open = this.frames.getStore();
    if (open) open.afterCommit.push(callback);
    else callback();
  }
}
