import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';

export type MigrationClass = new () => MigrationInterface;

/** Migrations of one source: the core, or one plugin (named as in its manifest). */
export interface MigrationSet {
  readonly source: string;
  readonly migrations: readonly MigrationClass[];
}

/** One lock id for "migrations are running"; every node of every install uses the same number. */
const MIGRATION_LOCK_ID = 0x6f706f72; // "opor"

const TABLE = 'opora_migrations';

function nameOf(migration: MigrationClass): string {
  return new migration().name ?? migration.name;
}

/**
 * Runs migrations in a fixed order: the core's first, then each plugin's in plugin-name order, each
 * list in the order given. (TypeORM's own runner sorts by timestamp across all sources, which would
 * let a plugin's migration run before a core migration it depends on.) Every migration runs in its
 * own transaction and is recorded with its source. A PostgreSQL advisory lock, held for the whole
 * run, keeps two nodes that start together from racing.
 */
export class Migrator {
  private readonly ordered: Array<{ source: string; name: string; migration: MigrationClass }>;

  constructor(
    private readonly dataSource: DataSource,
    sets: readonly MigrationSet[],
  ) {
    const core = sets.filter((set) => set.source === 'core');
    const plugins = sets.filter((set) => set.source !== 'core').sort((a, b) => a.source.localeCompare(b.source));
    this.ordered = [...core, ...plugins].flatMap((set) =>
      set.migrations.map((migration) => ({ source: set.source, name: nameOf(migration), migration })),
    );
  }

  /** Names of migrations not applied yet (an empty list means the schema is current). */
  async pending(): Promise<string[]> {
    const exists = await this.dataSource.query(`SELECT to_regclass($1) IS NOT NULL AS present`, [TABLE]);
    if (!exists[0].present) return this.ordered.map((entry) => entry.name);
    const applied = new Set<string>((await this.dataSource.query(`SELECT name FROM ${TABLE}`)).map((row: { name: string }) => row.name));
    return this.ordered.filter((entry) => !applied.has(entry.name)).map((entry) => entry.name);
  }

  /** Applies what is pending; returns the names applied. */
  async run(): Promise<string[]> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
      try {
        return await this.applyPending(runner);
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
      }
    } finally {
      await runner.release();
    }
  }

  private async applyPending(runner: QueryRunner): Promise<string[]> {
    await runner.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name text PRIMARY KEY, source text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const applied = new Set<string>((await runner.query(`SELECT name FROM ${TABLE}`)).map((row: { name: string }) => row.name));
    const done: string[] = [];
    for (const entry of this.ordered) {
      if (applied.has(entry.name)) continue;
      await runner.startTransaction();
      try {
        await new entry.migration().up(runner);
        await runner.query(`INSERT INTO ${TABLE} (name, source) VALUES ($1, $2)`, [entry.name, entry.source]);
        await runner.commitTransaction();
      } catch (error) {
        await runner.rollbackTransaction();
        throw new Error(`migration ${entry.name} (${entry.source}) failed: ${(error as Error).message}`, { cause: error });
      }
      done.push(entry.name);
    }
    return done;
  }
}
