import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What an outgoing message is about (`ticket:<id>`, …), so each record can show its own delivery
 * log: who was mailed, when, and whether it arrived.
 */
export class MailAbout1764000002600 implements MigrationInterface {
  name = 'MailAbout1764000002600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE mail_outbox ADD COLUMN about text`);
    await db.query(`CREATE INDEX mail_outbox_about_idx ON mail_outbox (about, created_at DESC) WHERE about IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX mail_outbox_about_idx`);
    await db.query(`ALTER TABLE mail_outbox DROP COLUMN about`);
  }
}
