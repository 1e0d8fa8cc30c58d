import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How each work group hands out its new tickets, and where its round-robin stands. */
export class GroupAssignment1764000001200 implements MigrationInterface {
  name = 'GroupAssignment1764000001200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE work_groups ADD COLUMN assignment_mode text NOT NULL DEFAULT 'manual'
         CONSTRAINT work_groups_assignment_mode_check CHECK (assignment_mode IN ('manual', 'round_robin', 'least_loaded'))`,
    );
    // No foreign key: a member who leaves only makes the rotation start again from the top.
    await db.query(`ALTER TABLE work_groups ADD COLUMN last_assigned_id uuid`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE work_groups DROP COLUMN last_assigned_id`);
    await db.query(`ALTER TABLE work_groups DROP COLUMN assignment_mode`);
  }
}
