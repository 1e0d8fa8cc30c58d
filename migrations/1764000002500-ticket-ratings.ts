import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Requesters' ratings of resolved tickets (1–5 and a comment), one per acceptance, for reports. */
export class TicketRatings1764000002500 implements MigrationInterface {
  name = 'TicketRatings1764000002500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_ratings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        requester_id uuid REFERENCES users (id) ON DELETE SET NULL,
        score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
        comment text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ticket_ratings_ticket_idx ON ticket_ratings (ticket_id)`);
    // Reports read ratings by period.
    await db.query(`CREATE INDEX ticket_ratings_created_idx ON ticket_ratings (created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_ratings`);
  }
}
