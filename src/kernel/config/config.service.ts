import { Injectable } from '@nestjs/common';
import { isAbsolute, resolve } from 'node:path';
import type { ConfigName, ConfigValues } from './config-keys';
import type { SecretKey } from './secret-key';

/** The validated configuration, read once at start and injected where needed. */
@Injectable()
export class ConfigService {
  /** DATA_DIR, absolute. */
  readonly dataDir: string;

  constructor(
    private readonly values: ConfigValues,
    readonly secretKey: SecretKey,
  ) {
    this.dataDir = resolveDataDir(values);
  }

  get<K extends ConfigName>(key: K): ConfigValues[K] {
    return this.values[key];
  }

  /** True when no DATABASE_URL is set and the embedded database serves this process. */
  get embedded(): boolean {
    return !this.values.database_url;
  }
}

/** DATA_DIR made absolute against the working directory. */
export function resolveDataDir(values: ConfigValues): string {
  return isAbsolute(values.data_dir) ? values.data_dir : resolve(process.cwd(), values.data_dir);
}
