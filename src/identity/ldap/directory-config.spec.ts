import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIRECTORY_PRESETS, listFilterOf, parseDirectoryConfig, parseDirectoryConfigs } from './directory-config';

const minimal = {
  name: 'corp',
  url: 'ldap://dc1.example.test',
  bindDn: 'cn=opora,ou=system,dc=example,dc=test',
  bindPassword: 'secret',
  userSearchBase: 'ou=people,dc=example,dc=test',
  groupSearchBase: 'ou=groups,dc=example,dc=test',
};

function problems(input: unknown): string[] {
  const parsed = parseDirectoryConfig(input, { checkFiles: true });
  return parsed.ok ? [] : parsed.problems;
}

describe('parseDirectoryConfig', () => {
  it('fills in the defaults', () => {
    const parsed = parseDirectoryConfig(minimal);
    expect(parsed).toEqual({
      ok: true,
      config: {
        ...minimal,
        startTls: false,
        userFilter: '(uid={{username}})',
        attributes: { username: 'uid', displayName: 'cn', email: 'mail' },
        groupFilter: '(member={{dn}})',
        memberAttribute: 'member',
        nestedGroups: 'walk',
        timeoutMs: 5000,
      },
    });
    expect(parsed.ok && listFilterOf(parsed.config)).toBe('(uid=*)');
  });

  it.each(Object.entries(DIRECTORY_PRESETS))('accepts the %s preset', (_, preset) => {
    expect(problems({ ...minimal, ...preset })).toEqual([]);
  });

  it('accepts an AD service account given as user@domain, and anonymous search', () => {
    expect(problems({ ...minimal, bindDn: 'svc-opora@corp.example' })).toEqual([]);
    expect(problems({ ...minimal, bindDn: '', bindPassword: '' })).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['missing url', { url: undefined }, /^directory "corp": url: is required$/],
    ['http url', { url: 'http://dc1' }, /url: must start with ldap:\/\/ or ldaps:\/\/ \(got "http:\/\/dc1"\)/],
    ['url with a path', { url: 'ldap://dc1/dc=example' }, /url: give only scheme, host and port/],
    ['not a url', { url: 'dc1.example' }, /url: is not a URL/],
    ['STARTTLS over ldaps', { url: 'ldaps://dc1', startTls: true }, /startTls: STARTTLS upgrades a plain ldap:\/\/ connection/],
    ['startTls not boolean', { startTls: 'yes' }, /startTls: must be true or false/],
    ['CA file on plain ldap', { caFile: '/etc/hostname' }, /caFile: is only used with ldaps:\/\/ or startTls/],
    ['missing CA file', { url: 'ldaps://dc1', caFile: '/nonexistent/ca.pem' }, /caFile: file not found: \/nonexistent\/ca.pem/],
    ['DN without password', { bindPassword: '' }, /bindPassword: is required with bindDn \(a bind with a DN and no password is an unauthenticated bind\)/],
    ['password without DN', { bindDn: '' }, /bindDn: is empty but bindPassword is set/],
    ['bindDn not a DN', { bindDn: 'opora' }, /bindDn: must be a DN/],
    ['search base not a DN', { userSearchBase: 'people' }, /userSearchBase: must be a DN/],
    ['empty group base', { groupSearchBase: ' ' }, /groupSearchBase: must not be empty/],
    ['filter without placeholder', { userFilter: '(uid=alice)' }, /userFilter: must contain \{\{username\}\}/],
    ['unbalanced filter', { userFilter: '(&(uid={{username}})' }, /userFilter: is not a valid LDAP filter: parentheses do not balance/],
    ['filter without parentheses', { userFilter: 'uid={{username}}' }, /userFilter: is not a valid LDAP filter: must be enclosed in parentheses/],
    ['group filter without {{dn}}', { groupFilter: '(member=x)' }, /groupFilter: must contain \{\{dn\}\}/],
    ['group filter on another attribute', { groupFilter: '(uniqueMember={{dn}})' }, /groupFilter: needs the clause \(member=\{\{dn\}\}\)/],
    ['list filter with placeholder', { listFilter: '(uid={{username}})' }, /listFilter: lists every user, so it takes no \{\{username\}\}/],
    ['bad attribute name', { attributes: { username: 'u id' } }, /attributes.username: must be an attribute name like uid \(got "u id"\)/],
    ['unknown attribute key', { attributes: { login: 'uid' } }, /attributes.login: unknown/],
    ['nesting mode', { nestedGroups: 'deep' }, /nestedGroups: must be one of walk, ad-matching-rule, none \(got "deep"\)/],
    ['timeout too small', { timeoutMs: 5 }, /timeoutMs: must be a whole number of milliseconds from 100 to 120000 \(got 5\)/],
    ['timeout as text', { timeoutMs: '5000' }, /timeoutMs: must be a whole number/],
    ['typo in a key', { bindDN: 'cn=x' }, /^directory "corp": bindDN: unknown setting/],
    ['bad name', { name: 'my corp!' }, /name: use 1-64 letters/],
    ['line break', { bindPassword: 'a\nb' }, /bindPassword: must not contain line breaks/],
  ])('%s → one clear line', (_, change, expected) => {
    const found = problems({ ...minimal, ...change });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(expected);
  });

  it('reports every problem at once', () => {
    expect(problems({ name: 'corp' })).toEqual([
      'directory "corp": url: is required',
      'directory "corp": userSearchBase: is required',
      'directory "corp": groupSearchBase: is required',
    ]);
    expect(problems('ldap://dc1')).toEqual(['directory: must be an object with the directory\'s settings']);
  });

  it('accepts a CA file that exists with ldaps:// or STARTTLS', () => {
    const ca = join(mkdtempSync(join(tmpdir(), 'opora-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    expect(problems({ ...minimal, url: 'ldaps://dc1:636', caFile: ca })).toEqual([]);
    expect(problems({ ...minimal, startTls: true, caFile: ca })).toEqual([]);
  });
});

describe('parseDirectoryConfigs', () => {
  it('wants unique names and numbers unnamed entries', () => {
    const parsed = parseDirectoryConfigs([minimal, { ...minimal, name: 'CORP' }, { url: 'ldap://x' }]);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems).toEqual([
      'directory "CORP": name: used by an earlier directory; names must be unique',
      'directory #3: name: is required',
      'directory #3: userSearchBase: is required',
      'directory #3: groupSearchBase: is required',
    ]);
  });
});
