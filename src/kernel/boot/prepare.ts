import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/config-loader';
import { ConfigService, resolveDataDir } from '../config/config.service';
import { resolveSecretKey } from '../config/secret-key';
import { projectRoot } from '../paths';

/** A start-up problem the operator must fix; printed as one line, and the process exits with `exitCode`. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

/** sysexits(3) codes, so scripts can tell a bad config from a busy data directory. */
export const EXIT = { config: 78, cantCreate: 73, tempFail: 75 } as const;

export function configDir(env: NodeJS.ProcessEnv): string {
  return env.CONFIG_DIR ?? join(projectRoot(), 'config');
}

/** Creates DATA_DIR if needed and proves it writable, before anything else is stored there. */
export function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
    const probe = join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    throw new StartupError(`DATA_DIR ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): expected a directory this user can write`, EXIT.cantCreate);
  }
}

/** Reads and checks the configuration, makes DATA_DIR usable and settles the secret key. */
export function prepareConfig(env: NodeJS.ProcessEnv = process.env): ConfigService {
  let values;
  try {
    values = loadConfig({ configDir: configDir(env), env });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new StartupError(error.problems.map((problem) => `configuration error: ${problem}`).join('\n'), EXIT.config);
    }
    throw error;
  }
  const dataDir = resolveDataDir(values);
  ensureWritableDir(dataDir);
  return new ConfigService(values, resolveSecretKey(values.secret_key, dataDir));
}
