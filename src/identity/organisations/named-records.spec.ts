import { DomainError } from '../../kernel/web/domain-error';
import { displayDomain, parseEmailDomains } from './email-domains';
import { checkName, checkText, decodeNameCursor, encodeNameCursor, isUniqueViolation, listQuery, prefixPattern } from './named-records';

describe('names', () => {
  it('trims, makes inner white space one space and drops control characters', () => {
    expect(checkName('  Служба\t\n ИТ\u0000 ')).toBe('Служба ИТ');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(checkName('𝔘'.repeat(200))).toHaveLength(400);
    expect(() => checkName('𝔘'.repeat(201))).toThrow(DomainError);
  });

  it('keeps line breaks in free text but not other control characters', () => {
    expect(checkText(' a\r\nb\u0007 ', 'address', 10)).toBe('a\nb');
  });
});

describe('name cursors', () => {
  it('round-trip a position, Cyrillic included', () => {
    const position = { key: 'бухгалтерия', id: '0b7c6a38-3f35-4c41-8f8d-7c1a4c0f8f4e' };
    expect(decodeNameCursor(encodeNameCursor(position))).toEqual(position);
  });

  it.each(['', 'x', '!!!', Buffer.from('["a","not-a-uuid"]').toString('base64url'), Buffer.from('{"key":"a"}').toString('base64url'), 'A'.repeat(5000)])(
    'refuse %p',
    (cursor) => {
      expect(decodeNameCursor(cursor)).toBeUndefined();
    },
  );

  it('are refused by the list, not read as the first page', () => {
    expect(() => listQuery({ cursor: 'garbage' }, 'groups.errors.cursor')).toThrow(DomainError);
    expect(listQuery({ q: '  ', cursor: '' }, 'groups.errors.cursor')).toEqual({});
  });
});

describe('prefix search', () => {
  it('escapes what LIKE would read as a wildcard', () => {
    expect(prefixPattern('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});

describe('unique violations', () => {
  it('are recognised by constraint, wrapped by TypeORM or not', () => {
    const driverError = { code: '23505', constraint: 'work_groups_name_lower_key' };
    expect(isUniqueViolation({ driverError }, 'work_groups_name_lower_key')).toBe(true);
    expect(isUniqueViolation(driverError, 'work_groups_name_lower_key')).toBe(true);
    expect(isUniqueViolation({ driverError }, 'organisations_name_lower_key')).toBe(false);
    expect(isUniqueViolation(new Error('other'), 'work_groups_name_lower_key')).toBe(false);
    expect(isUniqueViolation(null, 'work_groups_name_lower_key')).toBe(false);
  });
});

describe('mail domains', () => {
  it('accept lines, commas, a leading @ and any case, and store each once in ASCII', () => {
    expect(parseEmailDomains('@Example.COM, mail.example.com;\nпочта.рф\nexample.com.')).toEqual(['example.com', 'mail.example.com', 'xn--80a1acny.xn--p1ai']);
    expect(parseEmailDomains(['a.example', 'a.example'])).toEqual(['a.example']);
    expect(parseEmailDomains('  ')).toEqual([]);
  });

  it.each(['localhost', 'exa mple', 'user@example.com', '-bad.example', 'a..b', `${'a'.repeat(64)}.example`])('refuse %p', (text) => {
    expect(() => parseEmailDomains(text)).toThrow(DomainError);
  });

  it('show IDN domains as people write them', () => {
    expect(displayDomain('xn--80a1acny.xn--p1ai')).toBe('почта.рф');
    expect(displayDomain('example.com')).toBe('example.com');
  });
});
