import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A person holds roles (several at once); the administrator flag becomes the administrator role. */
export class UserRoles1764000000400 implements MigrationInterface {
  name = 'UserRoles1764000000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN roles text[] NOT NULL DEFAULT '{}'`);
    await db.query(`UPDATE users SET roles = ARRAY['administrator'] WHERE is_admin`);
    await db.query(`ALTER TABLE users DROP COLUMN is_admin`);
    // "Who holds role X" (assignment, approvers) reads this index instead of scanning users.
    await db.query(`CREATE INDEX users_roles_idx ON users USING gin (roles)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN is_admin boolean NOT NULL DEFAULT false`);
    await db.query(`UPDATE users SET is_admin = 'administrator' = ANY (roles)`);
    await db.query(`DROP INDEX users_roles_idx`);
    await db.query(`ALTER TABLE users DROP COLUMN roles`);
  }
}
