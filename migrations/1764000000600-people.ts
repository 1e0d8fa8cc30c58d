import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People administration: a person's organisation and department, prefix search over people, and
 * absences (vacation, sick leave) with a substitute for assignment to honour.
 */
export class People1764000000600 implements MigrationInterface {
  name = 'People1764000000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN organisation_id uuid CONSTRAINT users_organisation_id_fkey REFERENCES organisations (id) ON DELETE SET NULL`);
    await db.query(`ALTER TABLE users ADD COLUMN department_id uuid CONSTRAINT users_department_id_fkey REFERENCES departments (id) ON DELETE SET NULL`);
    await db.query(`CREATE INDEX users_organisation_id_idx ON users (organisation_id)`);
    await db.query(`CREATE INDEX users_department_id_idx ON users (department_id)`);
    // The people list searches by the start of a login, a name or an address, and pages by login.
    await db.query(`CREATE INDEX users_username_prefix_idx ON users (lower(username) text_pattern_ops)`);
    await db.query(`CREATE INDEX users_display_name_prefix_idx ON users (lower(display_name) text_pattern_ops)`);
    await db.query(`CREATE INDEX users_email_prefix_idx ON users (lower(email) text_pattern_ops)`);
    await db.query(`
      CREATE TABLE user_absences (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('vacation', 'sick_leave', 'other')),
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        substitute_id uuid REFERENCES users (id) ON DELETE SET NULL,
        note text NOT NULL DEFAULT '',
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT user_absences_period_check CHECK (ends_at > starts_at)
      )`);
    // "Who of these people is away at this moment" and a person's own list both start from user_id.
    await db.query(`CREATE INDEX user_absences_user_idx ON user_absences (user_id, starts_at DESC)`);
    await db.query(`CREATE INDEX user_absences_substitute_idx ON user_absences (substitute_id) WHERE substitute_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE user_absences`);
    for (const index of ['users_email_prefix_idx', 'users_display_name_prefix_idx', 'users_username_prefix_idx', 'users_department_id_idx', 'users_organisation_id_idx']) {
      await db.query(`DROP INDEX ${index}`);
    }
    await db.query(`ALTER TABLE users DROP COLUMN department_id`);
    await db.query(`ALTER TABLE users DROP COLUMN organisation_id`);
  }
}
