import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the agent workspace's queues need at a million tickets: `is_open` (the status is in a new,
 * open or pending category), kept by a trigger so queues filter on a plain column with partial
 * indexes; an index per sort order; and stars, each person's own bookmarks.
 */
export class TicketQueues1764000001600 implements MigrationInterface {
  name = 'TicketQueues1764000001600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets ADD COLUMN is_open boolean NOT NULL DEFAULT true`);
    await db.query(`
      CREATE FUNCTION tickets_set_is_open() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.is_open := EXISTS (SELECT 1 FROM ticket_statuses s WHERE s.key = NEW.status AND s.category IN ('new', 'open', 'pending'));
        RETURN NEW;
      END
      $$`);
    await db.query(`CREATE TRIGGER tickets_is_open BEFORE INSERT OR UPDATE OF status ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_set_is_open()`);
    await db.query(`UPDATE tickets t SET is_open = s.category IN ('new', 'open', 'pending') FROM ticket_statuses s WHERE s.key = t.status`);

    const live = 'WHERE deleted_at IS NULL';
    await db.query(`CREATE INDEX tickets_open_assignee_idx ON tickets (assignee_id, updated_at DESC, id DESC) ${live} AND is_open`);
    await db.query(`CREATE INDEX tickets_open_group_idx ON tickets (group_id, updated_at DESC, id DESC) ${live} AND is_open`);
    await db.query(`CREATE INDEX tickets_unassigned_idx ON tickets (updated_at DESC, id DESC) ${live} AND is_open AND assignee_id IS NULL`);
    await db.query(`CREATE INDEX tickets_status_queue_idx ON tickets (status, updated_at DESC, id DESC) ${live}`);
    // A status within a group: lets a staff member's "waiting" count combine their groups' entries
    // instead of reading every waiting ticket of the desk.
    await db.query(`CREATE INDEX tickets_status_group_idx ON tickets (status, group_id) ${live}`);
    await db.query(`CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC) ${live}`);
    await db.query(`CREATE INDEX tickets_priority_idx ON tickets (priority, updated_at DESC, id DESC) ${live}`);
    // The deadline sort over everything, and the overdue queue over open work that has a deadline.
    await db.query(`CREATE INDEX tickets_due_idx ON tickets ((coalesce(resolution_due_at, 'infinity'::timestamptz)), id) ${live}`);
    await db.query(`CREATE INDEX tickets_overdue_idx ON tickets (resolution_due_at, id) ${live} AND is_open AND resolution_due_at IS NOT NULL`);
    await db.query(`
      CREATE TABLE ticket_stars (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        starred_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, ticket_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_stars`);
    for (const index of ['tickets_open_assignee_idx', 'tickets_open_group_idx', 'tickets_unassigned_idx', 'tickets_status_queue_idx', 'tickets_created_idx', 'tickets_priority_idx', 'tickets_due_idx', 'tickets_overdue_idx', 'tickets_status_group_idx']) {
      await db.query(`DROP INDEX ${index}`);
    }
    await db.query(`DROP TRIGGER tickets_is_open ON tickets`);
    await db.query(`DROP FUNCTION tickets_set_is_open()`);
    await db.query(`ALTER TABLE tickets DROP COLUMN is_open`);
  }
}
