import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start, type RunningApp } from '../../src/kernel/boot/start';
import { freshDatabaseUrl } from '../harness/test-db';
import { tempDir } from './temp-dir';

export type Backend = 'embedded' | 'postgres';

export interface TestApp extends RunningApp {
  readonly dataDir: string;
}

/**
 * Boots the real application in this process on a free port, with its own DATA_DIR and (for the
 * PostgreSQL backend) its own database, and waits until it is ready.
 */
export async function startTestApp(backend: Backend = 'postgres', env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = env.DATA_DIR ?? tempDir('app');
  const databaseUrl = backend === 'postgres' ? await freshDatabaseUrl('app') : undefined;
  const running = await start({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG__LEVEL: 'warn',
    CONFIG_DIR: join(tmpdir(), 'opora-no-config'),
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  await running.boot.database.connect();
  const ownsDataDir = env.DATA_DIR === undefined;
  return {
    ...running,
    dataDir,
    async stop() {
      await running.stop();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
