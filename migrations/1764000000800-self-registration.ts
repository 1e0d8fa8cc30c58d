import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisations whose people may register themselves (by an address in one of the organisation's mail domains). */
export class SelfRegistration1764000000800 implements MigrationInterface {
  name = 'SelfRegistration1764000000800';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE organisations ADD COLUMN self_registration boolean NOT NULL DEFAULT false`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE organisations DROP COLUMN self_registration`);
  }
}
