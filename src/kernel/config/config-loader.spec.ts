import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config-loader';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'opora-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const empty = dirWith({});

  it('uses the built-in defaults when nothing is set', () => {
    const config = loadConfig({ configDir: empty, env: {} });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database_url).toBeUndefined();
    expect(config['log.level']).toBe('info');
  });

  it('applies defaults < default.yml < local.yml < environment', () => {
    const dir = dirWith({
      'default.yml': 'port: 4000\nhost: 0.0.0.0\nlog:\n  level: debug\nsession:\n  idle_minutes: 30\n',
      'local.yml': 'port: 5000\nlog:\n  level: warn\n',
    });
    const config = loadConfig({ configDir: dir, env: { PORT: '6000' } });
    expect(config.port).toBe(6000);
    expect(config.host).toBe('0.0.0.0');
    expect(config['log.level']).toBe('warn');
    expect(config['session.idle_minutes']).toBe(30);
  });

  it('reads nested keys from SECTION__KEY variables', () => {
    const config = loadConfig({ configDir: empty, env: { SESSION__IDLE_MINUTES: '45', SESSION__SECURE_COOKIE: 'true' } });
    expect(config['session.idle_minutes']).toBe(45);
    expect(config['session.secure_cookie']).toBe(true);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ configDir: empty, env: { PORT: '' } }).port).toBe(3000);
  });

  it('names the key and what it expects for a bad value', () => {
    expect(problemsOf(() => loadConfig({ configDir: empty, env: { PORT: 'eighty' } }))).toEqual([
      'PORT (port in the environment) is "eighty": expected a whole number from 0 to 65535',
    ]);
  });

  it('reports every problem at once, files and environment alike', () => {
    const dir = dirWith({ 'local.yml': 'prot: 1\nlog:\n  level: loud\n' });
    const problems = problemsOf(() => loadConfig({ configDir: dir, env: { PORT: '70000', APP_URL: 'ftp://x' } }));
    expect(problems).toEqual([
      'config/local.yml has an unknown key "prot"',
      'LOG__LEVEL (log.level in config/local.yml) is "loud": expected one of trace, debug, info, warn, error, fatal, silent',
      'PORT (port in the environment) is "70000": expected a whole number from 0 to 65535',
      'APP_URL (app_url in the environment) is "ftp://x": expected a URL starting with http:// or https://',
    ]);
  });

  it('never prints a secret value', () => {
    const problems = problemsOf(() => loadConfig({ configDir: empty, env: { SECRET_KEY: 'too-short-secret', DATABASE_URL: 'mysql://u:pw@h/db' } }));
    expect(problems.join('\n')).not.toContain('too-short-secret');
    expect(problems.join('\n')).not.toContain('pw@h');
    expect(problems).toContain('SECRET_KEY (secret_key in the environment) is (hidden): expected a string of at least 32 characters');
  });

  it('reports a file that is not YAML', () => {
    const dir = dirWith({ 'local.yml': 'port: [unclosed\n' });
    expect(problemsOf(() => loadConfig({ configDir: dir, env: {} }))[0]).toMatch(/^config\/local\.yml is not valid YAML/);
  });

  it('accepts PostgreSQL URLs and strips a trailing slash from APP_URL', () => {
    const config = loadConfig({ configDir: empty, env: { DATABASE_URL: 'postgresql://u@localhost/opora', APP_URL: 'https://desk.example.test/' } });
    expect(config.database_url).toBe('postgresql://u@localhost/opora');
    expect(config.app_url).toBe('https://desk.example.test');
  });
});
