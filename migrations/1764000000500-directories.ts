import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LDAP / Active Directory: the directories tried at sign-in (in `position` order), what their
 * groups mean here (a role, a work group), and the link from a person to their directory entry.
 * Also `job_runs`, which lets scheduled work (the directory sync first) run once across nodes.
 */
export class Directories1764000000500 implements MigrationInterface {
  name = 'Directories1764000000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE directories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        position integer NOT NULL DEFAULT 0,
        enabled boolean NOT NULL DEFAULT true,
        settings jsonb NOT NULL,
        bind_password_sealed text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX directories_name_lower_key ON directories (lower(name))`);
    await db.query(`
      CREATE TABLE directory_group_mappings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        directory_id uuid NOT NULL REFERENCES directories (id) ON DELETE CASCADE,
        group_dn text NOT NULL,
        role text,
        work_group_id uuid REFERENCES work_groups (id) ON DELETE CASCADE,
        CONSTRAINT directory_group_mappings_target_check CHECK ((role IS NULL) <> (work_group_id IS NULL))
      )`);
    // DNs compare case-insensitively in LDAP; one mapping per (directory, group, target).
    await db.query(
      `CREATE UNIQUE INDEX directory_group_mappings_key ON directory_group_mappings (directory_id, lower(group_dn), coalesce(role, ''), coalesce(work_group_id::text, ''))`,
    );
    await db.query(`ALTER TABLE users ADD COLUMN directory_id uuid REFERENCES directories (id) ON DELETE SET NULL`);
    await db.query(`ALTER TABLE users ADD COLUMN directory_dn text`);
    await db.query(`ALTER TABLE users ADD COLUMN directory_synced_at timestamptz`);
    // Set when the sync no longer finds the person (and deactivates them); cleared when they return.
    await db.query(`ALTER TABLE users ADD COLUMN directory_missing_since timestamptz`);
    // The sync walks one directory's people in id order.
    await db.query(`CREATE INDEX users_directory_idx ON users (directory_id, id) WHERE directory_id IS NOT NULL`);
    await db.query(`
      CREATE TABLE job_runs (
        name text PRIMARY KEY,
        last_started_at timestamptz NOT NULL,
        last_finished_at timestamptz,
        last_outcome jsonb
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE job_runs`);
    await db.query(`DROP INDEX users_directory_idx`);
    for (const column of ['directory_missing_since', 'directory_synced_at', 'directory_dn', 'directory_id']) {
      await db.query(`ALTER TABLE users DROP COLUMN ${column}`);
    }
    await db.query(`DROP TABLE directory_group_mappings`);
    await db.query(`DROP TABLE directories`);
  }
}
