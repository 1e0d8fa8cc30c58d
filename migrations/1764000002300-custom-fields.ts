import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Custom fields of tickets: defined by administrators (kind, options, required, which types,
 * service or category they apply to, and a condition on another field for being shown); values
 * kept on the ticket as JSON, indexed for filtering by field value.
 */
export class CustomFields1764000002300 implements MigrationInterface {
  name = 'CustomFields1764000002300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE custom_fields (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL CONSTRAINT custom_fields_key_key UNIQUE CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
        label text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('text', 'number', 'date', 'select', 'checkbox')),
        options text[] NOT NULL DEFAULT '{}',
        required boolean NOT NULL DEFAULT false,
        types text[] NOT NULL DEFAULT '{}',
        service_id uuid REFERENCES services (id) ON DELETE CASCADE,
        category text,
        visible_when jsonb,
        position integer NOT NULL DEFAULT 0,
        active boolean NOT NULL DEFAULT true
      )`);
    await db.query(`ALTER TABLE tickets ADD COLUMN custom jsonb NOT NULL DEFAULT '{}'`);
    await db.query(`CREATE INDEX tickets_custom_idx ON tickets USING gin (custom jsonb_path_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets DROP COLUMN custom`);
    await db.query(`DROP TABLE custom_fields`);
  }
}
