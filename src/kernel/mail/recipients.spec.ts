import { isSingleLine, normalizeAddress, recipientList } from './recipients';

describe('normalizeAddress', () => {
  it('keeps the local part, lowers and ASCII-encodes the domain', () => {
    expect(normalizeAddress('  Ivan.Petrov@Example.COM ')).toBe('Ivan.Petrov@example.com');
    expect(normalizeAddress('info@пример.рф')).toBe('info@xn--e1afmkfd.xn--p1ai');
  });

  it.each(['', 'no-at-sign', '@example.com', 'a b@example.com', 'a@b', 'a@exa mple.com', 'x@example.com\r\nBcc: victim@evil.test', 'иван@example.com', '.a@example.com', 'a..b@example.com', `${'a'.repeat(65)}@example.com`])(
    'refuses %p',
    (raw) => {
      expect(normalizeAddress(raw)).toBeNull();
    },
  );
});

describe('recipientList', () => {
  it('sends to an address once however often and in whatever case it is listed', () => {
    const shared = Array.from({ length: 23 }, (_, i) => (i % 2 ? 'Office@Example.com' : 'office@example.com'));
    expect(recipientList([...shared, 'boss@example.com'])).toEqual({ accepted: ['office@example.com', 'boss@example.com'], rejected: [] });
  });

  it('keeps the bad ones aside, flattened to one line, and the rest goes', () => {
    expect(recipientList(['ok@example.com', 'broken', 'x@y.z\r\nBcc: a@b.c'])).toEqual({
      accepted: ['ok@example.com'],
      rejected: ['broken', 'x@y.z  Bcc: a@b.c'],
    });
  });

  it('handles 500 recipients', () => {
    const many = Array.from({ length: 500 }, (_, i) => `user${i}@example.com`);
    expect(recipientList(many).accepted).toHaveLength(500);
  });
});

describe('isSingleLine', () => {
  it('refuses CR, LF and NUL', () => {
    expect(isSingleLine('Заявка INC-42: принтер')).toBe(true);
    expect(isSingleLine('x\r\nBcc: a@b.c')).toBe(false);
    expect(isSingleLine('x\ny')).toBe(false);
    expect(isSingleLine('x\0')).toBe(false);
  });
});
