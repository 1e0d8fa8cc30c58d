import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';

/** Where a unit of work finds its data source; DatabaseService implements it (and tests fake it). */
export abstract class DataSourceProvider {
  /** The ready data source, or a DatabaseUnavailableError while the database is not reachable. */
  abstract get dataSource(): DataSource;
}

/** One open transaction: its manager, the callbacks waiting for its commit, a write that failed. */
export interface TransactionFrame {
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => void>;
  /** Writes sent without waiting (`write`); each settles, and a failed one records itself below. */
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
  /** Connections whose writes are held for the current turn (see holdPacket). */
  private readonly held = new WeakSet<Writable>();

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
    let result: T;
    try {
      result = await this.source.dataSource.transaction((manager) => {
        const opened: TransactionFrame = { manager, afterCommit: [], inFlight: [] };
        frame = opened;
        return this.frames.run(opened, () => work(manager));
      });
    } catch (error) {
      await Promise.all(frame?.inFlight ?? []);
      // A statement after a failed write fails only because the transaction is aborted.
      throw frame?.failure ?? error;
    }
    // The COMMIT went out behind the writes sent without waiting, so they have all answered (this
    // wait only lets their answers be read). If one failed, PostgreSQL answered the COMMIT by
    // rolling back: the work did not happen.
    await Promise.all(frame?.inFlight ?? []);
    if (frame?.failure !== undefined) throw frame.failure;
    const callbacks = frame?.afterCommit ?? [];
    this.frames.exit(() => callbacks.forEach((callback) => callback()));
    return result;
  }

  /**
   * Sends a write whose result nobody reads (a history row, a search vector). Inside a transaction
   * on a pipelined connection it goes out without waiting for its answer: the statements that
   * follow queue behind it on the same connection, PostgreSQL runs them in order, and a failed
   * write fails the transaction with its own error. The writes of one turn of the event loop leave
   * in one packet together with the statement that waits after them. Elsewhere it is simply awaited.
   * This saves a round trip and a system call per write, which are most of a small write's cost.
   */
  async write(sql: string, params: unknown[]): Promise<void> {
    const open = this.frames.getStore();
    if (!open || !this.pipelined()) {
      await this.manager().query(sql, params);
      return;
    }
    this.holdPacket(open.manager);
    open.inFlight.push(
      open.manager.query(sql, params).then(
        () => undefined,
        (error: unknown) => {
          open.failure ??= error;
        },
      ),
    );
  }

  /**
   * Holds what the transaction's connection writes until the event loop's next turn, so the
   * statements sent meanwhile share one system call (corked; the driver's own cork per statement
   * nests inside). A connection whose socket cannot be reached is left as it is.
   */
  private holdPacket(manager: EntityManager): void {
    const runner = manager.queryRunner as unknown as { databaseConnection?: { connection?: { stream?: Writable } } } | undefined;
    const socket = runner?.databaseConnection?.connection?.stream;
    if (!socket || this.held.has(socket)) return;
    this.held.add(socket);
    socket.cork();
    setImmediate(() => {
      this.held.delete(socket);
      socket.uncork();
    });
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
