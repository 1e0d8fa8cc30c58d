import { AsyncLocalStorage } from 'node:async_hooks';
import type { Writable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { PieceLocks } from './piece-locks';

/** Where a unit of work finds its data source; DatabaseService implements it (and tests fake it). */
export abstract class DataSourceProvider {
  /** The ready data source, or a DatabaseUnavailableError while the database is not reachable. */
  abstract get dataSource(): DataSource;
}

/** One open transaction: its manager, the callbacks waiting for its commit, a write that failed. */
export interface TransactionFrame {
  readonly manager: EntityManager;
  readonly afterCommit: Array<() => void>;
  /** Undoes what the transaction did outside the database (files moved into place) when it rolls back. */
  readonly afterRollback: Array<() => void>;
  /** Writes sent without waiting (`write`); each settles, and a failed one records itself below. */
  readonly inFlight: Array<Promise<void>>;
  /** The first of those writes that failed: the transaction's real cause of failure. */
  failure?: unknown;
  /** Set while pieces of work share the transaction (`together`): the names they hold. */
  pieces?: PieceLocks;
  /** What services keep for the rest of the transaction (`kept`). */
  kept?: Map<string, unknown>;
}

/** A node-postgres client or pool, asked to run a named (prepared) statement. */
interface NamedQueries {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** A piece of work run by `together`: the releases of the names it holds. */
interface Piece {
  readonly releases: Map<string, () => void>;
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
  private readonly pieces = new AsyncLocalStorage<Piece>();
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
    if (open) return open.pieces ? this.joinShared(open, work) : work(open.manager);
    let frame: TransactionFrame | undefined;
    let result: T;
    try {
      result = await this.source.dataSource.transaction((manager) => {
        const opened: TransactionFrame = { manager, afterCommit: [], afterRollback: [], inFlight: [] };
        frame = opened;
        return this.frames.run(opened, () => work(manager));
      });
    } catch (error) {
      await Promise.all(frame?.inFlight ?? []);
      frame?.afterRollback.forEach((callback) => callback());
      // A statement after a failed write fails only because the transaction is aborted.
      throw frame?.failure ?? error;
    }
    // The COMMIT went out behind the writes sent without waiting, so they have all answered (this
    // wait only lets their answers be read). If one failed, PostgreSQL answered the COMMIT by
    // rolling back: the work did not happen.
    await Promise.all(frame?.inFlight ?? []);
    if (frame?.failure !== undefined) {
      frame.afterRollback.forEach((callback) => callback());
      throw frame.failure;
    }
    const callbacks = frame?.afterCommit ?? [];
    this.frames.exit(() => callbacks.forEach((callback) => callback()));
    return result;
  }

  /**
   * Runs pieces of work side by side in one transaction and returns their results in order. It is
   * for many small independent jobs (the messages of a mail batch): they share one BEGIN and
   * COMMIT, and on a pipelined connection the statements the pieces send in one turn of the event
   * loop leave in one packet, so N pieces cost about the round trips of one.
   * It is all or nothing: if any piece fails — even one that catches the error of a nested
   * `transaction()` and goes on, since that nested work cannot be rolled back alone — nothing is
   * kept and this throws the first error; the caller then takes the pieces one by one.
   * Pieces that would take a row lock take a name with `exclusive` too.
   */
  async together<T>(pieces: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
    if (this.frames.getStore()) throw new Error('together() opens its own transaction');
    return this.transaction(async (manager) => {
      const frame = this.frames.getStore()!;
      frame.pieces = new PieceLocks();
      const release = this.pipelined() ? this.holdEveryStatement(manager) : () => undefined;
      try {
        const settled = await Promise.allSettled(pieces.map((piece) => this.asPiece(piece)));
        const rejected = settled.find((one): one is PromiseRejectedResult => one.status === 'rejected');
        // A write that failed, or a nested transaction's caught refusal, is the real cause.
        if (rejected || frame.failure !== undefined) throw frame.failure ?? rejected!.reason;
        return settled.map((one) => (one as PromiseFulfilledResult<T>).value);
      } finally {
        release();
      }
    });
  }

  /**
   * Inside a piece of `together`, waits until no other piece holds `name`, then holds it until
   * this piece ends — what a row lock would do between separate transactions. Elsewhere it does
   * nothing: the database's own lock keeps transactions apart.
   */
  async exclusive(name: string): Promise<void> {
    const locks = this.frames.getStore()?.pieces;
    const piece = this.pieces.getStore();
    if (!locks || !piece || piece.releases.has(name)) return;
    piece.releases.set(name, await locks.take(name));
  }

  /**
   * Something a service keeps under `key` for the rest of the open transaction (made by `make` the
   * first time), such as what it read of a row it has locked: no other transaction can change that
   * row before this one ends. Null outside a transaction.
   */
  kept<T>(key: string, make: () => T): T | null {
    const open = this.frames.getStore();
    if (!open) return null;
    open.kept ??= new Map();
    if (!open.kept.has(key)) open.kept.set(key, make());
    return open.kept.get(key) as T;
  }

  /**
   * Lets go of a name this piece took with `exclusive` before the piece ends, once what the name
   * guards is written (the next holder, in the same transaction, sees it at once). Elsewhere, and
   * for a name not held, it does nothing.
   */
  release(name: string): void {
    const piece = this.pieces.getStore();
    const release = piece?.releases.get(name);
    if (!piece || !release) return;
    piece.releases.delete(name);
    release();
  }

  private async asPiece<T>(work: () => Promise<T>): Promise<T> {
    const piece: Piece = { releases: new Map() };
    try {
      return await this.pieces.run(piece, work);
    } finally {
      piece.releases.forEach((release) => release());
    }
  }

  /** A nested transaction in a shared one: its failure fails the whole, even when caught. */
  private async joinShared<T>(open: TransactionFrame, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await work(open.manager);
    } catch (error) {
      open.failure ??= error;
      throw error;
    }
  }

  /**
   * Makes every statement of the transaction hold the connection's packet for the turn (as
   * `write` does for its own), so the statements of pieces running side by side share system
   * calls. Returns the undo.
   */
  private holdEveryStatement(manager: EntityManager): () => void {
    const runner = manager.queryRunner as unknown as { query: (...args: unknown[]) => Promise<unknown> } | undefined;
    if (!runner) return () => undefined;
    const query = runner.query;
    runner.query = (...args: unknown[]) => {
      this.holdPacket(manager);
      return query.apply(runner, args);
    };
    return () => {
      runner.query = query;
    };
  }

  /**
   * Sends a write whose result nobody reads (a history row, a search vector). Inside a transaction
   * on a pipelined connection it goes out without waiting for its answer: the statements that
   * follow queue behind it on the same connection, PostgreSQL runs them in order, and a failed
   * write fails the transaction with its own error. The writes of one turn of the event loop leave
   * in one packet together with the statement that waits after them. Elsewhere it is simply awaited.
   * This saves a round trip and a system call per write, which are most of a small write's cost.
   */
  async write(sql: string, params: unknown[], prepared?: string): Promise<void> {
    const open = this.frames.getStore();
    if (!open || !this.pipelined()) {
      await this.query(sql, params, prepared);
      return;
    }
    this.holdPacket(open.manager);
    open.inFlight.push(
      this.query(sql, params, prepared).then(
        () => undefined,
        (error: unknown) => {
          open.failure ??= error;
        },
      ),
    );
  }

  /**
   * Runs a statement, in the open transaction if there is one. Given a name (`prepared`), the
   * statement is prepared under it on each connection the first time and only executed after:
   * PostgreSQL neither parses nor plans it again. That is for a long statement run for every ticket
   * (the search vector, the people to notify), whose planning costs more than its running; its text
   * must never change under the name. The embedded database takes it as a plain statement.
   */
  async query<T = unknown>(sql: string, params: unknown[], prepared?: string): Promise<T[]> {
    if (!prepared || !this.pipelined()) return this.manager().query(sql, params);
    const open = this.frames.getStore();
    const runner = open?.manager.queryRunner as unknown as { databaseConnection?: NamedQueries } | undefined;
    const client = runner?.databaseConnection ?? (this.source.dataSource.driver as unknown as { master: NamedQueries }).master;
    if (open) this.holdPacket(open.manager);
    return (await client.query({ name: prepared, text: sql, values: params })).rows as T[];
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
   * Runs `callback` if the open transaction rolls back (and not at all when none is open): for
   * what it did outside the database, such as a file moved into place.
   */
  afterRollback(callback: () => void): void {
    this.frames.getStore()?.afterRollback.push(callback);
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
