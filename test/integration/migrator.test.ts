import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DataSource } from 'typeorm';
import { Migrator } from '../../src/kernel/database/migrator';
import { freshDatabaseUrl } from '../harness/test-db';

/** A migration class that records its name in a log table when it runs. */
function recording(name: string, fail = false): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(db: QueryRunner) {
      await db.query(`CREATE TABLE IF NOT EXISTS run_log (seq serial, name text)`);
      await db.query(`INSERT INTO run_log (name) VALUES ($1)`, [name]);
      if (fail) throw new Error('boom');
    }
    async down() {}
  };
}

describe('Migrator on PostgreSQL', () => {
  let source: DataSource;
  beforeEach(async () => {
    source = new DataSource({ type: 'postgres', url: await freshDatabaseUrl('migrator') });
    await source.initialize();
  });
  afterEach(() => source.destroy());

  const log = async () => (await source.query(`SELECT name FROM run_log ORDER BY seq`)).map((row: { name: string }) => row.name);

  it('runs the core first, then plugins by name, whatever their timestamps say', async () => {
    const migrator = new Migrator(source, [
      { source: 'zeta-plugin', migrations: [recording('Zeta1000')] },
      { source: 'core', migrations: [recording('Core2000'), recording('Core3000')] },
      { source: 'alpha-plugin', migrations: [recording('Alpha1000')] },
    ]);
    expect(await migrator.pending()).toEqual(['Core2000', 'Core3000', 'Alpha1000', 'Zeta1000']);
    expect(await migrator.run()).toEqual(['Core2000', 'Core3000', 'Alpha1000', 'Zeta1000']);
    expect(await log()).toEqual(['Core2000', 'Core3000', 'Alpha1000', 'Zeta1000']);
    expect(await migrator.pending()).toEqual([]);
    expect(await migrator.run()).toEqual([]);
  });

  it('rolls back a failing migration alone and stops there', async () => {
    const migrator = new Migrator(source, [{ source: 'core', migrations: [recording('Good1'), recording('Bad2', true), recording('Later3')] }]);
    await expect(migrator.run()).rejects.toThrow('migration Bad2 (core) failed: boom');
    expect(await log()).toEqual(['Good1']);
    expect(await migrator.pending()).toEqual(['Bad2', 'Later3']);
  });

  it('lets two runners racing apply each migration once', async () => {
    const sets = [{ source: 'core', migrations: [recording('Once1'), recording('Once2')] }];
    const other = new DataSource({ type: 'postgres', url: (source.options as { url: string }).url });
    await other.initialize();
    try {
      const results = await Promise.all([new Migrator(source, sets).run(), new Migrator(other, sets).run()]);
      expect(results.flat().sort()).toEqual(['Once1', 'Once2']);
      expect(await log()).toEqual(['Once1', 'Once2']);
    } finally {
      await other.destroy();
    }
  });
});
