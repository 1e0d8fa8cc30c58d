import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ticket core: tickets numbered per type, a configurable status workflow (statuses in
 * categories, allowed transitions), the impact × urgency priority matrix, the conversation and an
 * append-only history. Indexes serve the queues (keyset on updated_at, id) at a million tickets.
 */
export class Tickets1764000001000 implements MigrationInterface {
  name = 'Tickets1764000001000';

  async up(db: QueryRunner): Promise<void> {
    for (const type of ['incident', 'service_request', 'information_request', 'documentation_request']) {
      await db.query(`CREATE SEQUENCE ticket_number_${type}`);
    }
    await db.query(`
      CREATE TABLE ticket_statuses (
        key text PRIMARY KEY,
        category text NOT NULL CHECK (category IN ('new', 'open', 'pending', 'resolved', 'closed', 'cancelled')),
        position integer NOT NULL,
        is_initial boolean NOT NULL DEFAULT false
      )`);
    await db.query(`
      INSERT INTO ticket_statuses (key, category, position, is_initial) VALUES
        ('new', 'new', 1, true), ('in_progress', 'open', 2, false), ('waiting', 'pending', 3, false),
        ('resolved', 'resolved', 4, false), ('closed', 'closed', 5, false), ('cancelled', 'cancelled', 6, false)`);
    await db.query(`
      CREATE TABLE ticket_transitions (
        from_status text NOT NULL REFERENCES ticket_statuses (key) ON DELETE CASCADE,
        to_status text NOT NULL REFERENCES ticket_statuses (key) ON DELETE CASCADE,
        PRIMARY KEY (from_status, to_status)
      )`);
    await db.query(`
      INSERT INTO ticket_transitions (from_status, to_status) VALUES
        ('new', 'in_progress'), ('new', 'waiting'), ('new', 'resolved'), ('new', 'cancelled'),
        ('in_progress', 'waiting'), ('in_progress', 'resolved'), ('in_progress', 'cancelled'),
        ('waiting', 'in_progress'), ('waiting', 'resolved'), ('waiting', 'cancelled'),
        ('resolved', 'closed'), ('resolved', 'in_progress')`);
    await db.query(`
      CREATE TABLE ticket_priority_matrix (
        impact smallint NOT NULL CHECK (impact BETWEEN 1 AND 3),
        urgency smallint NOT NULL CHECK (urgency BETWEEN 1 AND 3),
        priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
        PRIMARY KEY (impact, urgency)
      )`);
    // 1 = high … 3 = low for impact and urgency; priority 1 (critical) … 5 (planning).
    await db.query(`
      INSERT INTO ticket_priority_matrix (impact, urgency, priority) VALUES
        (1, 1, 1), (1, 2, 2), (1, 3, 3), (2, 1, 2), (2, 2, 3), (2, 3, 4), (3, 1, 3), (3, 2, 4), (3, 3, 5)`);
    await db.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('incident', 'service_request', 'information_request', 'documentation_request')),
        number bigint NOT NULL,
        subject text NOT NULL,
        description_html text NOT NULL DEFAULT '',
        requester_id uuid NOT NULL REFERENCES users (id),
        organisation_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
        channel text NOT NULL CHECK (channel IN ('web', 'email', 'portal', 'phone', 'api')),
        category text NOT NULL DEFAULT '',
        impact smallint NOT NULL DEFAULT 2,
        urgency smallint NOT NULL DEFAULT 2,
        priority smallint NOT NULL,
        status text NOT NULL REFERENCES ticket_statuses (key),
        group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        assignee_id uuid REFERENCES users (id) ON DELETE SET NULL,
        tags text[] NOT NULL DEFAULT '{}',
        resolution_code text,
        resolution_text text,
        response_due_at timestamptz,
        resolution_due_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        deleted_at timestamptz,
        CONSTRAINT tickets_type_number_key UNIQUE (type, number)
      )`);
    // Queues: by group, by assignee, by requester, and everything, newest activity first.
    await db.query(`CREATE INDEX tickets_group_queue_idx ON tickets (group_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX tickets_assignee_queue_idx ON tickets (assignee_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX tickets_requester_idx ON tickets (requester_id, updated_at DESC, id DESC)`);
    await db.query(`CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC) WHERE deleted_at IS NULL`);
    await db.query(`CREATE INDEX tickets_deleted_idx ON tickets (deleted_at DESC, id DESC) WHERE deleted_at IS NOT NULL`);
    await db.query(`CREATE INDEX tickets_tags_idx ON tickets USING gin (tags)`);
    await db.query(`
      CREATE TABLE ticket_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('reply', 'note')),
        author_id uuid REFERENCES users (id) ON DELETE SET NULL,
        body_html text NOT NULL,
        body_text text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ticket_messages_ticket_idx ON ticket_messages (ticket_id, created_at, id)`);
    await db.query(`
      CREATE TABLE ticket_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        actor_id uuid REFERENCES users (id) ON DELETE SET NULL,
        source text NOT NULL CHECK (source IN ('web', 'mail', 'api', 'rule', 'plugin', 'system')),
        kind text NOT NULL,
        changes jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['ticket_events', 'ticket_messages', 'tickets', 'ticket_priority_matrix', 'ticket_transitions', 'ticket_statuses']) await db.query(`DROP TABLE ${table}`);
    for (const type of ['incident', 'service_request', 'information_request', 'documentation_request']) await db.query(`DROP SEQUENCE ticket_number_${type}`);
  }
}
