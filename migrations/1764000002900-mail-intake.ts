import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inbound mail: the mailboxes Opora reads (the password or OAuth2 token sealed with SECRET_KEY),
 * with what each poll remembers (UIDVALIDITY, the last UID taken, the last error), and the
 * record of every message taken — one row per message and mailbox, written in the same
 * transaction as the ticket or reply it made, which is what makes intake exactly-once. Quarantined
 * messages (unreadable, too big) wait there for an administrator, with their original .eml.
 */
export class MailIntake1764000002900 implements MigrationInterface {
  name = 'MailIntake1764000002900';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE mailboxes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        address text NOT NULL,
        host text NOT NULL,
        port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
        security text NOT NULL CHECK (security IN ('tls', 'starttls', 'none')),
        ca_file text,
        username text NOT NULL,
        auth text NOT NULL DEFAULT 'password' CHECK (auth IN ('password', 'xoauth2')),
        secret_sealed text,
        folder text NOT NULL DEFAULT 'INBOX',
        processed_action text NOT NULL DEFAULT 'flag' CHECK (processed_action IN ('flag', 'move', 'delete')),
        processed_folder text,
        unknown_senders text NOT NULL DEFAULT 'create' CHECK (unknown_senders IN ('create', 'reject')),
        default_service_id uuid REFERENCES services (id) ON DELETE SET NULL,
        default_group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        since date,
        max_message_mb integer NOT NULL DEFAULT 25,
        active boolean NOT NULL DEFAULT true,
        uid_validity bigint,
        last_uid bigint NOT NULL DEFAULT 0,
        last_polled_at timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX mailboxes_address_key ON mailboxes (lower(address))`);
    await db.query(`CREATE UNIQUE INDEX mailboxes_name_key ON mailboxes (lower(name))`);
    await db.query(`
      CREATE TABLE inbound_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        mailbox_id uuid NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        message_id text,
        content_hash text NOT NULL,
        uid bigint,
        status text NOT NULL CHECK (status IN ('ticket', 'reply', 'ignored', 'rejected', 'quarantined')),
        reason text,
        sender text,
        subject text,
        size_bytes integer NOT NULL,
        ticket_id uuid REFERENCES tickets (id) ON DELETE SET NULL,
        raw_file_id uuid,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX inbound_messages_dedupe_key ON inbound_messages (mailbox_id, dedupe_key)`);
    await db.query(`CREATE INDEX inbound_messages_message_id_idx ON inbound_messages (message_id) WHERE message_id IS NOT NULL AND ticket_id IS NOT NULL`);
    await db.query(`CREATE INDEX inbound_messages_sender_idx ON inbound_messages (sender, received_at DESC)`);
    await db.query(`CREATE INDEX inbound_messages_log_idx ON inbound_messages (received_at DESC, id DESC)`);
    await db.query(`CREATE INDEX inbound_messages_quarantine_idx ON inbound_messages (received_at DESC, id DESC) WHERE status = 'quarantined'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE inbound_messages`);
    await db.query(`DROP TABLE mailboxes`);
  }
}
