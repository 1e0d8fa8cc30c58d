import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications: the bell's entries per person (unread ones found by a partial index, so the
 * count stays cheap however many were read), the administrators' overrides of the event × role ×
 * channel matrix, and what each person muted for themselves.
 */
export class Notifications1764000002800 implements MigrationInterface {
  name = 'Notifications1764000002800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        ticket_id uuid REFERENCES tickets (id) ON DELETE CASCADE,
        event text NOT NULL,
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        data jsonb NOT NULL DEFAULT '{}',
        popup boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    await db.query(`CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX notifications_unread_idx ON notifications (user_id, created_at DESC, id DESC) WHERE read_at IS NULL`);
    await db.query(`CREATE INDEX notifications_ticket_idx ON notifications (ticket_id, user_id) WHERE read_at IS NULL`);
    await db.query(`
      CREATE TABLE notification_rules (
        event text NOT NULL,
        role text NOT NULL,
        channel text NOT NULL,
        enabled boolean NOT NULL,
        PRIMARY KEY (event, role, channel)
      )`);
    await db.query(`
      CREATE TABLE notification_mutes (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        event text NOT NULL,
        channel text NOT NULL,
        PRIMARY KEY (user_id, event, channel)
      )`);
    await db.query(`ALTER TABLE mail_outbox ADD COLUMN from_address text, ADD COLUMN from_name text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE mail_outbox DROP COLUMN from_name, DROP COLUMN from_address`);
    for (const table of ['notification_mutes', 'notification_rules', 'notifications']) await db.query(`DROP TABLE ${table}`);
  }
}
