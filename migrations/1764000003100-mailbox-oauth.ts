import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth2 for mailboxes (Microsoft 365, Google): the token endpoint, the client and its secret
 * (sealed), and the scope, so the sealed refresh token can be exchanged for access tokens as they
 * expire, instead of an access token pasted in by hand that stops working within the hour.
 */
export class MailboxOauth1764000003100 implements MigrationInterface {
  name = 'MailboxOauth1764000003100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE mailboxes ADD COLUMN oauth_token_url text, ADD COLUMN oauth_client_id text, ADD COLUMN oauth_client_secret_sealed text, ADD COLUMN oauth_scope text`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE mailboxes DROP COLUMN oauth_token_url, DROP COLUMN oauth_client_id, DROP COLUMN oauth_client_secret_sealed, DROP COLUMN oauth_scope`);
  }
}
