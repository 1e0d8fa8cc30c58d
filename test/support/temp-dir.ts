import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { harnessDir } from '../harness/processes';

/** A fresh folder inside this run's harness dir, which global teardown removes with everything in it. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(harnessDir(), `${prefix}-`));
}
