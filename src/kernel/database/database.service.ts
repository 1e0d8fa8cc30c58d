import { Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import type { ConfigService } from '../config/config.service';
import { DatabaseUnavailableError } from './database-errors';
import { startEmbeddedPostgres, type EmbeddedEndpoint } from './embedded-postgres';
import { Migrator, type MigrationSet } from './migrator';
import { DataSourceProvider } from './unit-of-work';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type EntityList = MixedList<Function | string | EntitySchema>;

/** What the database must hold: the entity classes and the migrations of the core and plugins. */
export interface DatabaseSchema {
  readonly entities: EntityList;
  readonly migrationSets: readonly MigrationSet[];
}

export type DatabaseState = 'idle' | 'connecting' | 'ready' | 'failed' | 'stopped';

export interface ConnectOptions {
  /** false (the CLI): give up after the first failed attempt instead of waiting. Default true. */
  retry?: boolean;
  /** Checks run after migrations, before the database counts as ready; a FatalDatabaseError stops retrying. */
  verify?: (source: DataSource) => Promise<void>;
}

/** A problem retrying cannot fix (e.g. the wrong secret key for this database); the process should stop. */
export class FatalDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FatalDatabaseError';
  }
}

const FIRST_RETRY_MS = 500;

/**
 * Owns the connection to PostgreSQL (DATABASE_URL) or the embedded PGlite server, and brings the
 * schema up to date. Connecting runs in the background with capped exponential backoff so the web
 * server can start, answer /healthz and report /readyz false while the database is away.
 */
export class DatabaseService extends DataSourceProvider {
  private readonly log = new Logger('Database');
  private source?: DataSource;
  private embedded?: EmbeddedEndpoint;
  private migrator?: Migrator;
  private stateValue: DatabaseState = 'idle';
  private lastErrorValue?: string;
  private readyCallbacks: Array<() => Promise<void>> = [];
  private connecting?: Promise<void>;

  constructor(
    private readonly config: ConfigService,
    private readonly schema: DatabaseSchema,
    private readonly connectOptions: ConnectOptions = {},
  ) {
    super();
  }

  get state(): DatabaseState {
    return this.stateValue;
  }

  get lastError(): string | undefined {
    return this.lastErrorValue;
  }

  get dataSource(): DataSource {
    if (this.stateValue !== 'ready' || !this.source) throw new DatabaseUnavailableError(this.lastErrorValue);
    return this.source;
  }

  /** Registers work to run once the schema is current (first-start tasks, caches); runs now if ready. */
  onReady(callback: () => Promise<void>): void {
    this.readyCallbacks.push(callback);
    if (this.stateValue === 'ready') void this.runReadyCallback(callback);
  }

  /** Starts connecting; resolves once ready (or stopped). Safe to call more than once. */
  connect(): Promise<void> {
    this.connecting ??= this.connectWithRetry();
    return this.connecting;
  }

  /** True when the database answers and no migration is pending. */
  async readiness(): Promise<{ database: boolean; migrations: boolean }> {
    if (this.stateValue !== 'ready' || !this.source || !this.migrator) return { database: false, migrations: false };
    try {
      // The timer must not keep the process alive after the answer came (unref'd).
      await Promise.race([
        this.source.query('SELECT 1'),
        sleep(2000, undefined, { ref: false }).then(() => Promise.reject(new Error('timed out'))),
      ]);
    } catch {
      return { database: false, migrations: false };
    }
    return { database: true, migrations: (await this.migrator.pending()).length === 0 };
  }

  async stop(): Promise<void> {
    this.stateValue = 'stopped';
    await this.connecting?.catch(() => undefined);
    if (this.source?.isInitialized) await this.source.destroy();
    await this.embedded?.stop();
    this.embedded = undefined;
  }

  private async connectWithRetry(): Promise<void> {
    let delay = FIRST_RETRY_MS;
    const cap = this.config.get('database.connect_retry_max_seconds') * 1000;
    while (this.stateValue !== 'stopped') {
      this.stateValue = 'connecting';
      try {
        await this.openOnce();
        this.stateValue = 'ready';
        this.lastErrorValue = undefined;
        for (const callback of this.readyCallbacks) await this.runReadyCallback(callback);
        return;
      } catch (error) {
        this.lastErrorValue = (error as Error).message;
        if (this.source?.isInitialized) await this.source.destroy().catch(() => undefined);
        this.source = undefined;
        if (error instanceof FatalDatabaseError) {
          this.stateValue = 'failed';
          this.log.error(this.lastErrorValue);
          return;
        }
        if ((this.stateValue as DatabaseState) === 'stopped' || this.connectOptions.retry === false) return;
        this.log.warn(`database not reachable (${this.lastErrorValue}); next attempt in ${Math.round(delay / 1000)} s`);
        await sleep(delay);
        delay = Math.min(delay * 2, cap);
      }
    }
  }

  private async openOnce(): Promise<void> {
    const poolSize = this.config.get('database.pool_size');
    if (this.config.embedded && !this.embedded) {
      // One more socket connection than the pool, for a migration runner or a CLI call in flight.
      this.embedded = await startEmbeddedPostgres(this.config.dataDir, poolSize + 2);
    }
    const source = new DataSource(this.options(poolSize));
    this.source = source;
    await source.initialize();
    this.migrator = new Migrator(source, this.schema.migrationSets);
    const applied = await this.migrator.run();
    if (applied.length) this.log.log(`applied migrations: ${applied.join(', ')}`);
    await this.connectOptions.verify?.(source);
  }

  private options(poolSize: number): DataSourceOptions {
    const common = {
      type: 'postgres' as const,
      entities: this.schema.entities,
      synchronize: false,
      migrationsRun: false,
      logging: false,
      // Pipelined connections (real PostgreSQL only; the embedded server takes one statement at a
      // time) let a transaction send writes without waiting for each answer: see UnitOfWork.write.
      // The few statements prepared by name (UnitOfWork.query) keep one plan for good: they are
      // looked up by key, and planning them anew each time is what naming them is meant to save.
      extra: { max: poolSize, connectionTimeoutMillis: 5000, pipeline: !this.embedded, ...(this.embedded ? {} : { options: '-c plan_cache_mode=force_generic_plan' }) },
    };
    if (this.embedded) {
      return {
        ...common,
        host: this.embedded.socketDir,
        port: this.embedded.port,
        username: 'postgres',
        password: 'postgres',
        database: 'postgres',
      };
    }
    return { ...common, url: this.config.get('database_url') };
  }

  private async runReadyCallback(callback: () => Promise<void>): Promise<void> {
    try {
      await callback();
    } catch (error) {
      this.log.error(`start-up task failed: ${(error as Error).message}`, (error as Error).stack);
    }
  }
}
