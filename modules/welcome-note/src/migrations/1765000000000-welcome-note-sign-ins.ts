import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The sign-in counts. Names carry the plugin's prefix: migration names are unique across the install. */
export class WelcomeNoteSignIns1765000000000 implements MigrationInterface {
  name = 'WelcomeNoteSignIns1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE welcome_note_sign_ins (
        user_id uuid NOT NULL,
        sign_ins integer NOT NULL DEFAULT 0,
        last_sign_in_at timestamptz NOT NULL,
        CONSTRAINT welcome_note_sign_ins_pkey PRIMARY KEY (user_id)
      )`);
    await db.query(`CREATE INDEX welcome_note_sign_ins_last_sign_in_at_idx ON welcome_note_sign_ins (last_sign_in_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS welcome_note_sign_ins`);
  }
}
