import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths';

let cached: string | undefined;

/** The core's version, from package.json (what plugins' compatibility ranges are checked against). */
export function coreVersion(): string {
  cached ??= (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cached;
}
