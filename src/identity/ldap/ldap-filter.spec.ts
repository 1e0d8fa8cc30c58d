import { FilterParser } from 'ldapts';
import { anyOfFilter, escapeFilterValue, everyoneFilter, fillFilter, inChainFilter } from './ldap-filter';

describe('escapeFilterValue (RFC 4515)', () => {
  it.each([
    ['alice', 'alice'],
    ['*', '\\2a'],
    ['(', '\\28'],
    [')', '\\29'],
    ['\\', '\\5c'],
    ['\0', '\\00'],
    ['*)(uid=*', '\\2a\\29\\28uid=\\2a'],
    ['alice)(|(uid=*', 'alice\\29\\28|\\28uid=\\2a'],
    ['\\00', '\\5c00'], // a typed backslash-zero-zero is text, not a NUL
    ['\\2a', '\\5c2a'],
    ['a\\,b', 'a\\5c,b'],
    ['Иван Петров', 'Иван Петров'], // non-ASCII goes as UTF-8
    ['日本', '日本'],
    ['o=Parens (R Us)', 'o=Parens \\28R Us\\29'],
  ])('%j → %j', (raw, escaped) => {
    expect(escapeFilterValue(raw)).toBe(escaped);
  });

  it('leaves nothing that could end or open a filter component', () => {
    const nasty = '()*\\\0'.repeat(3) + 'x';
    expect(escapeFilterValue(nasty)).not.toMatch(/[()*\0]/);
  });

  it('round-trips through a filter parser to the exact value', () => {
    for (const value of ['*)(uid=*', 'alice\\', '\0', 'Иван (ops)', 'a*b\\c']) {
      const filter = FilterParser.parseString(`(uid=${escapeFilterValue(value)})`) as unknown as { value: string; attribute: string };
      expect(filter.attribute).toBe('uid');
      expect(filter.value).toBe(value);
    }
  });
});

describe('filter templates', () => {
  it('fills every placeholder with the escaped value', () => {
    expect(fillFilter('(|(sAMAccountName={{username}})(userPrincipalName={{username}}))', '{{username}}', 'a*')).toBe(
      '(|(sAMAccountName=a\\2a)(userPrincipalName=a\\2a))',
    );
    expect(fillFilter('(member={{dn}})', '{{dn}}', 'cn=Night shift (ops)\\2C east,dc=x')).toBe(
      '(member=cn=Night shift \\28ops\\29\\5c2C east,dc=x)',
    );
  });

  it('ORs a template over several values, and leaves a single value bare', () => {
    expect(anyOfFilter('(member={{dn}})', '{{dn}}', ['cn=a', 'cn=b*'])).toBe('(|(member=cn=a)(member=cn=b\\2a))');
    expect(anyOfFilter('(member={{dn}})', '{{dn}}', ['cn=a'])).toBe('(member=cn=a)');
  });

  it('rewrites membership clauses to AD’s in-chain rule, once', () => {
    expect(inChainFilter('(member={{dn}})')).toBe('(member:1.2.840.113556.1.4.1941:={{dn}})');
    expect(inChainFilter('(&(objectClass=group)(member={{dn}}))')).toBe('(&(objectClass=group)(member:1.2.840.113556.1.4.1941:={{dn}}))');
    const already = '(member:1.2.840.113556.1.4.1941:={{dn}})';
    expect(inChainFilter(already)).toBe(already);
  });

  it('turns a template into a filter matching everyone', () => {
    expect(everyoneFilter('(uid={{username}})', '{{username}}')).toBe('(uid=*)');
    expect(everyoneFilter('(&(objectClass=group)(member={{dn}}))', '{{dn}}')).toBe('(&(objectClass=group)(member=*))');
  });
});
