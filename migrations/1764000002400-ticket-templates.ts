import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Templates for frequent requests (a ticket's fields ready to register from), and schedules that
 * register a ticket from a template by a cron expression in a time zone (recurring maintenance).
 */
export class TicketTemplates1764000002400 implements MigrationInterface {
  name = 'TicketTemplates1764000002400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE ticket_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT ticket_templates_name_key UNIQUE,
        type text NOT NULL,
        subject text NOT NULL,
        description text NOT NULL DEFAULT '',
        service_id uuid REFERENCES services (id) ON DELETE SET NULL,
        group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        impact smallint NOT NULL DEFAULT 2,
        urgency smallint NOT NULL DEFAULT 2,
        tags text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE recurring_tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        template_id uuid NOT NULL REFERENCES ticket_templates (id) ON DELETE CASCADE,
        requester_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        cron text NOT NULL,
        time_zone text NOT NULL,
        next_run_at timestamptz NOT NULL,
        last_run_at timestamptz,
        last_ref text,
        last_error text,
        active boolean NOT NULL DEFAULT true
      )`);
    await db.query(`CREATE INDEX recurring_tickets_due_idx ON recurring_tickets (next_run_at) WHERE active`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE recurring_tickets`);
    await db.query(`DROP TABLE ticket_templates`);
  }
}
