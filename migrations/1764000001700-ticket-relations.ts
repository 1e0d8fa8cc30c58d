import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How tickets relate: links (related, split off, merged), kept once per pair and read from both
 * ends; and on a merged ticket, the ticket it was merged into.
 */
export class TicketRelations1764000001700 implements MigrationInterface {
  name = 'TicketRelations1764000001700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_links (
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        linked_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('related', 'split', 'merged')),
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ticket_id, linked_id),
        CONSTRAINT ticket_links_not_self CHECK (ticket_id <> linked_id)
      )`);
    await db.query(`CREATE INDEX ticket_links_linked_idx ON ticket_links (linked_id)`);
    await db.query(`ALTER TABLE tickets ADD COLUMN merged_into_id uuid REFERENCES tickets (id) ON DELETE SET NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets DROP COLUMN merged_into_id`);
    await db.query(`DROP TABLE ticket_links`);
  }
}
