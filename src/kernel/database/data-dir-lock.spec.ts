import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLockedError, lockDataDir, lockHolder } from './data-dir-lock';

const freshDir = () => mkdtempSync(join(tmpdir(), 'opora-lock-'));

describe('data directory lock', () => {
  it('records this process and releases the file', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(readFileSync(join(dir, 'opora.lock'), 'utf8')).toBe(String(process.pid));
    expect(lockHolder(dir)).toBe(process.pid);
    release();
    expect(existsSync(join(dir, 'opora.lock'))).toBe(false);
  });

  it('refuses while another live process holds it, naming that process', async () => {
    const dir = freshDir();
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(join(dir, 'opora.lock'), String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(`(pid ${other.pid})`);
    } finally {
      other.kill();
    }
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = freshDir();
    const dead = spawn('true');
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(join(dir, 'opora.lock'), String(dead.pid));
    const release = lockDataDir(dir);
    expect(lockHolder(dir)).toBe(process.pid);
    release();
  });

  it('takes over a lock file with garbage in it', () => {
    const dir = freshDir();
    writeFileSync(join(dir, 'opora.lock'), 'not a pid');
    lockDataDir(dir)();
  });
});
