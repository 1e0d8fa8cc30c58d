import { dnKey, sameDn } from './ldap-dn';

describe('dnKey', () => {
  it('ignores case, spaces around separators, and the way a character is escaped', () => {
    expect(sameDn('cn=Night shift (ops)\\, east,ou=groups,dc=example,dc=test', 'CN=night shift (ops)\\2C east, OU=Groups, DC=example, DC=test')).toBe(true);
    expect(sameDn('uid=alice,ou=people,dc=example,dc=test', 'uid=alice,ou=people,dc=example,dc=test ')).toBe(true);
    expect(sameDn('cn=a+uid=b,dc=x', 'uid=b+cn=a,dc=x')).toBe(true);
  });

  it('tells different entries apart', () => {
    expect(sameDn('cn=a\\,b,dc=x', 'cn=a,cn=b,dc=x')).toBe(false);
    expect(sameDn('uid=alice,ou=people,dc=example', 'uid=alice,ou=staff,dc=example')).toBe(false);
    expect(sameDn('cn=a\\ ,dc=x', 'cn=a,dc=x')).toBe(false); // an escaped trailing space is part of the value
  });

  it('decodes escaped UTF-8 bytes', () => {
    expect(dnKey('cn=\\D0\\98\\D0\\B2\\D0\\B0\\D0\\BD,dc=x')).toBe(dnKey('cn=Иван,dc=x'));
  });
});
