import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretKey {
  readonly value: string;
  /** True when the key was generated under DATA_DIR rather than given in the configuration. */
  readonly generated: boolean;
}

const FILE = 'secret.key';

/**
 * The configured key, or the one kept in DATA_DIR, generated on first start. The file is created
 * exclusively (`wx`) and readable by the owner only, so two starts racing agree on one key.
 */
export function resolveSecretKey(configured: string | undefined, dataDir: string): SecretKey {
  if (configured) return { value: configured, generated: false };
  const path = join(dataDir, FILE);
  try {
    writeFileSync(path, randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return { value: readFileSync(path, 'utf8').trim(), generated: true };
}
