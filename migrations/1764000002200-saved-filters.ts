import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved views of the ticket list (queue, sort, search and field filters): one's own, or shared with all staff. */
export class SavedFilters1764000002200 implements MigrationInterface {
  name = 'SavedFilters1764000002200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE saved_filters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        shared boolean NOT NULL DEFAULT false,
        params jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX saved_filters_owner_idx ON saved_filters (owner_id)`);
    await db.query(`CREATE INDEX saved_filters_shared_idx ON saved_filters (shared) WHERE shared`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE saved_filters`);
  }
}
