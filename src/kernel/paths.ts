import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PROJECT_NAME = 'opora';

let cachedRoot: string | undefined;

function packageNameIn(dir: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return typeof parsed === 'object' && parsed !== null && 'name' in parsed ? String(parsed.name) : '';
  } catch {
    return undefined; // no package.json here, or an unreadable one
  }
}

/**
 * The directory holding Opora's own package.json. Compiled code runs from dist/, while views,
 * locale files and plugin manifests stay in the source tree, so files are located from here and
 * never from process.cwd() (systemd, the CLI and jest all start in different directories).
 * A package.json named "opora" wins over a nearer anonymous one (a build step may drop a stub
 * package.json into dist/); failing that, the nearest package.json is taken.
 */
export function projectRoot(start: string = __dirname): string {
  if (start === __dirname && cachedRoot !== undefined) return cachedRoot;
  let nearest: string | undefined;
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const name = packageNameIn(dir);
      if (name === PROJECT_NAME) {
        nearest = dir;
        break;
      }
      nearest ??= dir;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (nearest === undefined) {
    throw new Error(`Cannot find the project root: no package.json above ${start}`);
  }
  if (start === __dirname) cachedRoot = nearest;
  return nearest;
}
