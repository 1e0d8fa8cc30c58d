import type { DataSource } from 'typeorm';
import type { SecretKey } from '../config/secret-key';
import { FatalDatabaseError } from '../database/database.service';
import { sign } from './tokens';

const SETTING = 'secret_key_fingerprint';

/**
 * Makes sure every node uses the key the database was set up with. The first start stores an
 * HMAC of a fixed text under the key; a node whose key gives another value would sign links other
 * nodes reject and could not read secrets stored by them, so it must not start.
 */
export async function verifySecretFingerprint(source: DataSource, secret: SecretKey): Promise<void> {
  const fingerprint = sign(secret.value, 'opora secret key fingerprint');
  await source.query(`INSERT INTO app_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, [SETTING, JSON.stringify(fingerprint)]);
  const [row] = await source.query(`SELECT value FROM app_settings WHERE key = $1`, [SETTING]);
  if (row?.value === fingerprint) return;
  throw new FatalDatabaseError(
    secret.generated
      ? 'SECRET_KEY is not set and the key generated in this DATA_DIR is not the one this database was set up with: when several app nodes share one database, set the same SECRET_KEY on every node'
      : 'SECRET_KEY is not the key this database was set up with: links and stored secrets would not work; restore the original SECRET_KEY',
  );
}
