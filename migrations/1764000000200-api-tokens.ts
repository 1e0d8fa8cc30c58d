import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Personal API tokens for /api/v1: scoped, expiring, revocable; only the SHA-256 of the secret is kept. */
export class ApiTokens1764000000200 implements MigrationInterface {
  name = 'ApiTokens1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_tokens (
        id uuid NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
        user_id uuid NOT NULL CONSTRAINT api_tokens_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        name text NOT NULL,
        token_hash text NOT NULL,
        prefix text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    // Every API request looks its token up by hash; the owner's list reads by user.
    await db.query(`CREATE UNIQUE INDEX api_tokens_token_hash_key ON api_tokens (token_hash)`);
    await db.query(`CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE IF EXISTS api_tokens`);
  }
}
