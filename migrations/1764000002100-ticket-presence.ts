import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who has a ticket open right now, and whether they are writing a reply: a heartbeat row per
 * person and ticket, shared by every node through the database (so collision warnings work behind
 * a load balancer too). Rows older than a minute mean nothing and are cleared as they are read.
 */
export class TicketPresence1764000002100 implements MigrationInterface {
  name = 'TicketPresence1764000002100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_presence (
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        activity text NOT NULL CHECK (activity IN ('viewing', 'replying')),
        seen_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ticket_id, user_id)
      )`);
    await db.query(`CREATE INDEX ticket_presence_seen_idx ON ticket_presence (seen_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_presence`);
  }
}
