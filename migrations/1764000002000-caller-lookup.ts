import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A person's phone number, and finding a caller by it: the digits, reversed, so "the number ends
 * with what the agent typed" (with or without a country or area code) is an index prefix search.
 */
export class CallerLookup1764000002000 implements MigrationInterface {
  name = 'CallerLookup1764000002000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN phone text`);
    await db.query(`CREATE INDEX users_phone_digits_idx ON users (reverse(regexp_replace(phone, '[^0-9]', '', 'g')) text_pattern_ops) WHERE phone IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX users_phone_digits_idx`);
    await db.query(`ALTER TABLE users DROP COLUMN phone`);
  }
}
