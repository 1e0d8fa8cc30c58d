import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths';

describe('projectRoot', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'opora-root-'));
    mkdirSync(join(root, 'dist', 'src', 'kernel'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('finds this checkout from the source tree', () => {
    expect(projectRoot()).toBe(join(__dirname, '..', '..'));
  });

  it('walks up from the compiled code in dist/ to the project package.json', () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'opora' }));
    expect(projectRoot(join(root, 'dist', 'src', 'kernel'))).toBe(root);
  });

  it('skips a stub package.json that a build left in dist/', () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'opora' }));
    writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'commonjs' }));
    expect(projectRoot(join(root, 'dist', 'src', 'kernel'))).toBe(root);
  });

  it('takes the nearest package.json when none is named opora', () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'renamed-desk' }));
    expect(projectRoot(join(root, 'dist', 'src', 'kernel'))).toBe(root);
  });
});
