import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The foundation: users, one-time tokens, sessions, plugin states, settings, sign-in throttling. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await db.query(`
      CREATE TABLE users (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        username text NOT NULL,
        display_name text NOT NULL DEFAULT '',
        email text,
        password_hash text,
        is_admin boolean NOT NULL DEFAULT false,
        locale text,
        time_zone text,
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username))`);
    await db.query(`
      CREATE TABLE user_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT user_tokens_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        purpose text NOT NULL,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX user_tokens_user_id_idx ON user_tokens (user_id)`);
    await db.query(`CREATE UNIQUE INDEX user_tokens_token_hash_key ON user_tokens (token_hash)`);
    await db.query(`
      CREATE TABLE sessions (
        sid text NOT NULL PRIMARY KEY,
        user_id uuid CONSTRAINT sessions_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        data jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX sessions_user_id_idx ON sessions (user_id)`);
    await db.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);
    await db.query(`
      CREATE TABLE plugin_states (
        name text NOT NULL PRIMARY KEY,
        enabled boolean NOT NULL DEFAULT false,
        settings jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE app_settings (
        key text NOT NULL PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Failed sign-in counts per key (ip:… / user:…) in fixed windows; expire is epoch milliseconds.
    await db.query(`CREATE TABLE login_throttle (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['login_throttle', 'app_settings', 'plugin_states', 'sessions', 'user_tokens', 'users']) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
