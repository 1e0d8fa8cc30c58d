import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the mail channel needs beyond reading: the mailbox a ticket came through (its mail goes
 * out from that address, with that mailbox's signature), the sender allow and stop lists, and the
 * addresses whose mail bounced (flagged on the person).
 */
export class MailIntakeRules1764000003000 implements MigrationInterface {
  name = 'MailIntakeRules1764000003000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets ADD COLUMN mailbox_id uuid REFERENCES mailboxes (id) ON DELETE SET NULL`);
    await db.query(`ALTER TABLE mailboxes ADD COLUMN signature text NOT NULL DEFAULT ''`);
    await db.query(`ALTER TABLE users ADD COLUMN email_bounced_at timestamptz`);
    await db.query(`
      CREATE TABLE mail_sender_rules (
        pattern text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('allow', 'deny')),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE mail_sender_rules`);
    await db.query(`ALTER TABLE users DROP COLUMN email_bounced_at`);
    await db.query(`ALTER TABLE mailboxes DROP COLUMN signature`);
    await db.query(`ALTER TABLE tickets DROP COLUMN mailbox_id`);
  }
}
