import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Organisations (legal entities or clients) with their departments and locations, and work groups
 * with their members and lead. Which organisation and department a person belongs to comes in a
 * later step, with the users table.
 */
export class GroupsOrganisations1764000000300 implements MigrationInterface {
  name = 'GroupsOrganisations1764000000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE organisations (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        code text,
        email_domains text[] NOT NULL DEFAULT '{}',
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Names and codes are unique in any case; the name index is also the list's sort order.
    await db.query(`CREATE UNIQUE INDEX organisations_name_lower_key ON organisations (lower(name))`);
    await db.query(`CREATE UNIQUE INDEX organisations_code_lower_key ON organisations (lower(code)) WHERE code IS NOT NULL`);
    // The list's "name starts with" search, whatever the database's collation.
    await db.query(`CREATE INDEX organisations_name_prefix_idx ON organisations (lower(name) text_pattern_ops)`);
    // "Which organisation owns this mail domain" (intake routing, self-registration).
    await db.query(`CREATE INDEX organisations_email_domains_idx ON organisations USING gin (email_domains)`);

    await db.query(`
      CREATE TABLE departments (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        organisation_id uuid NOT NULL CONSTRAINT departments_organisation_id_fkey REFERENCES organisations (id) ON DELETE CASCADE,
        parent_id uuid CONSTRAINT departments_parent_id_fkey REFERENCES departments (id) ON DELETE SET NULL,
        name text NOT NULL
      )`);
    // Also serves "the departments of an organisation" and the cascade from organisations.
    await db.query(`CREATE UNIQUE INDEX departments_organisation_name_key ON departments (organisation_id, lower(name))`);
    await db.query(`CREATE INDEX departments_parent_id_idx ON departments (parent_id)`);

    await db.query(`
      CREATE TABLE locations (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        organisation_id uuid NOT NULL CONSTRAINT locations_organisation_id_fkey REFERENCES organisations (id) ON DELETE CASCADE,
        name text NOT NULL,
        address text NOT NULL DEFAULT ''
      )`);
    await db.query(`CREATE UNIQUE INDEX locations_organisation_name_key ON locations (organisation_id, lower(name))`);

    await db.query(`
      CREATE TABLE work_groups (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        lead_id uuid CONSTRAINT work_groups_lead_id_fkey REFERENCES users (id) ON DELETE SET NULL,
        email text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX work_groups_name_lower_key ON work_groups (lower(name))`);
    await db.query(`CREATE INDEX work_groups_name_prefix_idx ON work_groups (lower(name) text_pattern_ops)`);
    // "The groups a person leads", and deleting a user without scanning the groups.
    await db.query(`CREATE INDEX work_groups_lead_id_idx ON work_groups (lead_id)`);

    await db.query(`
      CREATE TABLE work_group_members (
        group_id uuid NOT NULL CONSTRAINT work_group_members_group_id_fkey REFERENCES work_groups (id) ON DELETE CASCADE,
        user_id uuid NOT NULL CONSTRAINT work_group_members_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT work_group_members_pkey PRIMARY KEY (group_id, user_id)
      )`);
    // "The groups of a person" (visibility, assignment).
    await db.query(`CREATE INDEX work_group_members_user_id_idx ON work_group_members (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['work_group_members', 'work_groups', 'locations', 'departments', 'organisations']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
