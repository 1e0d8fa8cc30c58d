import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Routing rules (ordered conditions → actions, evaluated for every new ticket) and the watchers of
 * a ticket (people kept informed without being its requester or assignee).
 */
export class RoutingRules1764000001500 implements MigrationInterface {
  name = 'RoutingRules1764000001500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE routing_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        position integer NOT NULL,
        active boolean NOT NULL DEFAULT true,
        conditions jsonb NOT NULL DEFAULT '{}',
        actions jsonb NOT NULL DEFAULT '{}',
        stop boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX routing_rules_position_idx ON routing_rules (position, id)`);
    await db.query(`
      CREATE TABLE ticket_watchers (
        ticket_id uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (ticket_id, user_id)
      )`);
    // "Tickets I watch": a person's watched tickets without scanning the table.
    await db.query(`CREATE INDEX ticket_watchers_user_idx ON ticket_watchers (user_id, ticket_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE ticket_watchers`);
    await db.query(`DROP TABLE routing_rules`);
  }
}
