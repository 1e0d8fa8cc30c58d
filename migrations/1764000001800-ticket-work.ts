import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who works a ticket over its life: each group's next line (for escalation), the chain of
 * transfers, escalations and handovers a ticket went through, the external contractor it was
 * handed to, and the time each person spent on it.
 */
export class TicketWork1764000001800 implements MigrationInterface {
  name = 'TicketWork1764000001800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE work_groups ADD COLUMN escalation_group_id uuid CONSTRAINT work_groups_escalation_group_id_fkey REFERENCES work_groups (id) ON DELETE SET NULL`,
    );
    await db.query(`ALTER TABLE tickets ADD COLUMN contractor text`);
    await db.query(`ALTER TABLE tickets ADD COLUMN contract_ref text`);
    await db.query(`
      CREATE TABLE ticket_transfers (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('transfer', 'escalation', 'owner', 'contractor')),
        from_group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        to_group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        to_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        contractor text,
        contract_ref text,
        reason text NOT NULL DEFAULT '',
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ticket_transfers_ticket_idx ON ticket_transfers (ticket_id, id)`);
    await db.query(`
      CREATE TABLE ticket_work_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        minutes integer NOT NULL CHECK (minutes BETWEEN 1 AND 1440),
        worked_on date NOT NULL,
        note text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ticket_work_log_ticket_idx ON ticket_work_log (ticket_id, worked_on, id)`);
    // Time sheets: a person's work by day.
    await db.query(`CREATE INDEX ticket_work_log_user_idx ON ticket_work_log (user_id, worked_on)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_work_log`);
    await db.query(`DROP TABLE ticket_transfers`);
    await db.query(`ALTER TABLE tickets DROP COLUMN contract_ref`);
    await db.query(`ALTER TABLE tickets DROP COLUMN contractor`);
    await db.query(`ALTER TABLE work_groups DROP COLUMN escalation_group_id`);
  }
}
