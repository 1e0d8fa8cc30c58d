import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What helps agents write: @mentions (with a per-person inbox of unread ones), reply templates
 * (personal or shared) and each person's signature for public replies.
 */
export class ConversationTools1764000001900 implements MigrationInterface {
  name = 'ConversationTools1764000001900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_mentions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        message_id uuid REFERENCES ticket_messages (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        mentioned_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz
      )`);
    // The mentions inbox: a person's unread mentions.
    await db.query(`CREATE INDEX ticket_mentions_unread_idx ON ticket_mentions (user_id, created_at DESC) WHERE read_at IS NULL`);
    await db.query(`CREATE INDEX ticket_mentions_ticket_idx ON ticket_mentions (ticket_id, user_id)`);
    await db.query(`
      CREATE TABLE reply_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        body text NOT NULL,
        owner_id uuid REFERENCES users (id) ON DELETE CASCADE,
        shared boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX reply_templates_owner_idx ON reply_templates (owner_id)`);
    await db.query(`
      CREATE TABLE user_signatures (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        signature text NOT NULL
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['user_signatures', 'reply_templates', 'ticket_mentions']) await db.query(`DROP TABLE ${table}`);
  }
}
