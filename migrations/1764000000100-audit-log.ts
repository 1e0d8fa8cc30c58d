import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log of security events: sign-ins, plugin switches, later role changes, tokens and
 * directory syncs. Rows are only ever inserted; nothing in the application updates or deletes
 * them (a retention job is still to come).
 */
export class AuditLog1764000000100 implements MigrationInterface {
  name = 'AuditLog1764000000100';

  async up(db: QueryRunner): Promise<void> {
    // event is compared byte by byte (COLLATE "C") so that "every event under auth.sign_in" is an
    // index range whatever the database's locale; event names are lower-case ASCII.
    await db.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        event text COLLATE "C" NOT NULL,
        actor_id uuid CONSTRAINT audit_events_actor_id_fkey REFERENCES users (id) ON DELETE SET NULL,
        subject text,
        ip inet,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    // The admin list reads newest first in keyset pages, unfiltered or narrowed by one of these;
    // id breaks ties between rows of one transaction (they share its now()).
    await db.query(`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_events_actor_id_idx ON audit_events (actor_id, occurred_at DESC, id DESC)`);
    // Names are matched in any case, as sign-in matches them.
    await db.query(`CREATE INDEX audit_events_subject_idx ON audit_events (lower(subject), occurred_at DESC, id DESC)`);
    await db.query(`CREATE INDEX audit_events_ip_idx ON audit_events (ip, occurred_at DESC, id DESC)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS audit_events`);
  }
}
