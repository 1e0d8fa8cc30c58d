import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/kernel/config/config-loader';
import { ConfigService } from '../../src/kernel/config/config.service';
import { resolveSecretKey } from '../../src/kernel/config/secret-key';
import { tempDir } from './temp-dir';

/** A ConfigService as the app would build it, with a fresh DATA_DIR and the given overrides. */
export function testConfig(env: Record<string, string | undefined> = {}): ConfigService {
  const dataDir = env.DATA_DIR ?? tempDir('data');
  const values = loadConfig({ configDir: join(tmpdir(), 'opora-no-config'), env: { LOG__LEVEL: 'warn', ...env, DATA_DIR: dataDir } });
  return new ConfigService(values, resolveSecretKey(values.secret_key, dataDir));
}
