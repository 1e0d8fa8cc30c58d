import { newToken, sign, signatureMatches, tokenDigest } from './tokens';
import { passwordProblems } from './password-policy';

describe('tokens', () => {
  it('makes long, distinct, URL-safe tokens', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[\w-]{43}$/);
  });

  it('stores a digest, never the token', () => {
    const token = newToken();
    expect(tokenDigest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenDigest(token)).not.toContain(token);
    expect(tokenDigest(token)).toBe(tokenDigest(token));
  });

  it('verifies signatures under the same secret only', () => {
    const signature = sign('secret-a', 'INC-000123');
    expect(signatureMatches('secret-a', 'INC-000123', signature)).toBe(true);
    expect(signatureMatches('secret-b', 'INC-000123', signature)).toBe(false);
    expect(signatureMatches('secret-a', 'INC-000124', signature)).toBe(false);
    expect(signatureMatches('secret-a', 'INC-000123', 'short')).toBe(false);
  });
});

describe('password policy', () => {
  it('accepts a long password that does not contain the user name', () => expect(passwordProblems('correct horse battery', 'alice')).toEqual([]));
  it('refuses short ones', () => expect(passwordProblems('short', 'alice')).toContain('validation.password_too_short'));
  it('refuses one containing the user name, in any case', () =>
    expect(passwordProblems('my name is ALICE forever', 'alice')).toContain('validation.password_contains_username'));
  it('refuses absurdly long ones', () => expect(passwordProblems('x'.repeat(300), 'alice')).toContain('validation.too_long'));
  it('counts characters, not bytes, for Cyrillic passwords', () => expect(passwordProblems('пароль-надёжный', 'ivan')).toEqual([]));
});
