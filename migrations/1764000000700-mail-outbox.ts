import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox: mail is written in the same transaction as the change that causes it
 * and delivered afterwards by a worker, so a down SMTP server or a crash loses nothing.
 */
export class MailOutbox1764000000700 implements MigrationInterface {
  name = 'MailOutbox1764000000700';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE mail_outbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        created_at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        recipients text[] NOT NULL,
        rejected_recipients text[] NOT NULL DEFAULT '{}',
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text,
        headers jsonb NOT NULL DEFAULT '{}',
        message_id text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        last_error text,
        sent_at timestamptz
      )`);
    await db.query(`CREATE UNIQUE INDEX mail_outbox_message_id_key ON mail_outbox (message_id)`);
    // The worker's question, "what is due?", reads only the rows still to send.
    await db.query(`CREATE INDEX mail_outbox_due_idx ON mail_outbox (next_attempt_at) WHERE status IN ('pending', 'sending')`);
    // The admin list: newest first, by status.
    await db.query(`CREATE INDEX mail_outbox_created_idx ON mail_outbox (created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX mail_outbox_status_created_idx ON mail_outbox (status, created_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE mail_outbox`);
  }
}
