import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations whose people see each other's requests in the portal ("my organisation's
 * requests"), and the index that lists an organisation's tickets newest first by keyset.
 */
export class SharedRequests1764000002700 implements MigrationInterface {
  name = 'SharedRequests1764000002700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE organisations ADD COLUMN requests_shared boolean NOT NULL DEFAULT false`);
    await db.query(`CREATE INDEX tickets_organisation_idx ON tickets (organisation_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX tickets_organisation_idx`);
    await db.query(`ALTER TABLE organisations DROP COLUMN requests_shared`);
  }
}
