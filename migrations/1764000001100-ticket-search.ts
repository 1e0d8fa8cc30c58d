import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over tickets: two tsvectors kept on the ticket row — what anyone who may see
 * the ticket may search (number, subject, description, public replies, requester) and what staff
 * may also search (internal notes too) — each with a GIN index. The `simple` configuration: no
 * stemming, so Russian, Ukrainian, Uzbek and English words are all found as written.
 */
export class TicketSearch1764000001100 implements MigrationInterface {
  name = 'TicketSearch1764000001100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets ADD COLUMN description_text text NOT NULL DEFAULT ''`);
    await db.query(`ALTER TABLE tickets ADD COLUMN search_public tsvector NOT NULL DEFAULT ''::tsvector`);
    await db.query(`ALTER TABLE tickets ADD COLUMN search_staff tsvector NOT NULL DEFAULT ''::tsvector`);
    await db.query(`CREATE INDEX tickets_search_public_idx ON tickets USING gin (search_public)`);
    await db.query(`CREATE INDEX tickets_search_staff_idx ON tickets USING gin (search_staff)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX tickets_search_staff_idx`);
    await db.query(`DROP INDEX tickets_search_public_idx`);
    for (const column of ['search_staff', 'search_public', 'description_text']) await db.query(`ALTER TABLE tickets DROP COLUMN ${column}`);
  }
}
