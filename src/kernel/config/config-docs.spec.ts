import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../paths';
import { renderExampleEnv, withConfigTable } from './config-docs';

describe('generated configuration reference', () => {
  const root = projectRoot();

  it('docs/admin.md carries the current table (run npm run docs:config)', () => {
    const doc = readFileSync(join(root, 'docs', 'admin.md'), 'utf8');
    expect(withConfigTable(doc)).toBe(doc);
  });

  it('config/example.env is current (run npm run docs:config)', () => {
    expect(readFileSync(join(root, 'config', 'example.env'), 'utf8')).toBe(renderExampleEnv());
  });

  it('names every key in both', () => {
    const env = renderExampleEnv();
    for (const name of ['PORT', 'HOST', 'APP_URL', 'DATABASE_URL', 'DATA_DIR', 'SECRET_KEY', 'LOG__LEVEL']) expect(env).toContain(`#${name}=`);
  });
});
