import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service catalogue: services (IT and otherwise) with components, an owner and a default work
 * group, and audiences that limit who sees a service (organisations, departments, work groups;
 * none means everyone). Tickets name a service and component.
 */
export class ServiceCatalogue1764000001400 implements MigrationInterface {
  name = 'ServiceCatalogue1764000001400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        owner_id uuid REFERENCES users (id) ON DELETE SET NULL,
        default_group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX services_name_key ON services (lower(name))`);
    await db.query(`
      CREATE TABLE service_components (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
        name text NOT NULL,
        default_group_id uuid REFERENCES work_groups (id) ON DELETE SET NULL,
        active boolean NOT NULL DEFAULT true
      )`);
    await db.query(`CREATE UNIQUE INDEX service_components_name_key ON service_components (service_id, lower(name))`);
    await db.query(`
      CREATE TABLE service_audiences (
        service_id uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
        organisation_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
        department_id uuid REFERENCES departments (id) ON DELETE CASCADE,
        group_id uuid REFERENCES work_groups (id) ON DELETE CASCADE,
        CONSTRAINT service_audiences_one_kind CHECK (num_nonnulls(organisation_id, department_id, group_id) = 1)
      )`);
    await db.query(`CREATE UNIQUE INDEX service_audiences_key ON service_audiences (service_id, coalesce(organisation_id, department_id, group_id))`);
    await db.query(`ALTER TABLE tickets ADD COLUMN service_id uuid REFERENCES services (id) ON DELETE SET NULL`);
    await db.query(`ALTER TABLE tickets ADD COLUMN component_id uuid REFERENCES service_components (id) ON DELETE SET NULL`);
    // A service's tickets, newest activity first: the service owner's view and the filter.
    await db.query(`CREATE INDEX tickets_service_queue_idx ON tickets (service_id, updated_at DESC, id DESC) WHERE deleted_at IS NULL AND service_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE tickets DROP COLUMN component_id`);
    await db.query(`ALTER TABLE tickets DROP COLUMN service_id`);
    for (const table of ['service_audiences', 'service_components', 'services']) await db.query(`DROP TABLE ${table}`);
  }
}
