import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Files attached to a ticket, at registration (no message) or to a reply or note. The bytes live
 * in DATA_DIR under the row's id; the row keeps the cleaned name, the declared type, size and
 * SHA-256 (for duplicates and integrity checks).
 */
export class TicketAttachments1764000001300 implements MigrationInterface {
  name = 'TicketAttachments1764000001300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        message_id uuid REFERENCES ticket_messages (id) ON DELETE CASCADE,
        file_name text NOT NULL,
        declared_type text NOT NULL,
        size_bytes bigint NOT NULL CHECK (size_bytes > 0),
        sha256 text NOT NULL,
        uploaded_by uuid REFERENCES users (id) ON DELETE SET NULL,
        -- clock_timestamp, not now(): files sent together keep the order they were sent in.
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(`CREATE INDEX ticket_attachments_ticket_idx ON ticket_attachments (ticket_id, created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_attachments`);
  }
}
