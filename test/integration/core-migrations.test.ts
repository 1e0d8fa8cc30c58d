import { DataSource } from 'typeorm';
import { Migrator } from '../../src/kernel/database/migrator';
import { CORE_MIGRATIONS } from '../../migrations';
import { freshDatabaseUrl } from '../harness/test-db';

/** Migrations that move data, checked on rows written by the schema before them. */
describe('core migrations on PostgreSQL', () => {
  let source: DataSource;
  beforeEach(async () => {
    source = new DataSource({ type: 'postgres', url: await freshDatabaseUrl('core-migrations') });
    await source.initialize();
  });
  afterEach(() => source.destroy());

  const upTo = (name: string) => CORE_MIGRATIONS.slice(0, CORE_MIGRATIONS.findIndex((m) => new m().name === name));

  it('turns the administrator flag into the administrator role', async () => {
    await new Migrator(source, [{ source: 'core', migrations: upTo('UserRoles1764000000400') }]).run();
    await source.query(`INSERT INTO users (username, is_admin) VALUES ('boss', true), ('clerk', false)`);
    await new Migrator(source, [{ source: 'core', migrations: CORE_MIGRATIONS }]).run();
    const rows = await source.query(`SELECT username, roles FROM users ORDER BY username`);
    expect(rows).toEqual([
      { username: 'boss', roles: ['administrator'] },
      { username: 'clerk', roles: [] },
    ]);
  });
});
