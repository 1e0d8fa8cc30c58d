import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a-secret-key-of-at-least-32-characters!');

  it('opens what it sealed, Cyrillic included, and never stores the plain text', () => {
    const sealed = box.seal('пароль-службы-42');
    expect(sealed.startsWith('v1:')).toBe(true);
    expect(sealed).not.toContain('пароль');
    expect(box.open(sealed)).toBe('пароль-службы-42');
  });

  it('seals the same text differently each time (fresh IV)', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses a value sealed under another key', () => {
    const other = new SecretBox('another-secret-key-of-32-characters-long');
    expect(() => box.open(other.seal('x'))).toThrow('another SECRET_KEY');
  });

  it('refuses an altered value', () => {
    const sealed = box.seal('bind-password');
    const bytes = Buffer.from(sealed.slice(3), 'base64url');
    bytes[bytes.length - 1] ^= 1;
    expect(() => box.open(`v1:${bytes.toString('base64url')}`)).toThrow('altered');
  });

  it('refuses garbage and unknown versions', () => {
    expect(() => box.open('plain text')).toThrow('not a sealed secret');
    expect(() => box.open('v9:abc')).toThrow('not a sealed secret');
    expect(() => box.open('v1:abc')).toThrow('truncated');
  });
});
