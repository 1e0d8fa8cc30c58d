import { AndFilter, EqualityFilter, ExtensibleFilter, type Filter, FilterParser, InvalidCredentialsError, NotFilter, OrFilter, PresenceFilter } from 'ldapts';
import { parseDirectoryConfig, type DirectoryConfig, type DirectoryConfigInput } from './directory-config';
import type { ConnectionFactory, LdapConnection, LdapEntry, LdapSearch } from './ldap-connection';
import { dnKey as computeDnKey } from './ldap-dn';
import { DirectoryError } from './ldap-errors';
import { AD_IN_CHAIN_RULE } from './ldap-filter';
import { LdaptsDirectory, MAX_GROUP_DEPTH, WALK_BATCH, closure, rangedValues, walkGroups } from './ldapts-directory';

/*
 * LdaptsDirectory over an in-memory fake server: filters are parsed with ldapts's parser and
 * evaluated here (equality, presence, and/or/not, AD's in-chain rule), multi-valued attributes,
 * and optionally AD's ranged retrieval of big `member` values. Real-server behaviour is covered
 * by test/integration/ldap.test.ts against slapd; this covers what slapd cannot show.
 */

// The fake compares thousands of member DNs per search: remember their keys.
const dnKeys = new Map<string, string>();
function dnKey(dn: string): string {
  let key = dnKeys.get(dn);
  if (key === undefined) dnKeys.set(dn, (key = computeDnKey(dn)));
  return key;
}

interface FakeEntry {
  dn: string;
  attrs: Record<string, string[]>;
  password?: string;
}

class FakeServer {
  readonly log: string[] = [];
  readonly searches: LdapSearch[] = [];
  down = false;
  /** Like AD's MaxValRange: more `member` values than this come in ranges. */
  rangeSize: number | undefined;
  /** A broken server that answers every range request with the first range again. */
  repeatFirstRange = false;

  constructor(readonly entries: FakeEntry[]) {}

  readonly connect: ConnectionFactory = async () => {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:389'), { code: 'ECONNREFUSED' });
    this.log.push('open');
    const conn: LdapConnection = {
      bind: async (dn, password) => {
        this.log.push(`bind ${dn}`);
        const entry = this.find(dn);
        if (!entry || !entry.password || entry.password !== password) throw new InvalidCredentialsError('');
      },
      search: async (request) => this.search(request),
      searchPages: async function* (this: void, request: LdapSearch, pageSize: number) {
        const all = await conn.search(request);
        for (let i = 0; i < all.length; i += pageSize) yield all.slice(i, i + pageSize);
      },
      close: async () => void this.log.push('close'),
    };
    return conn;
  };

  find(dn: string): FakeEntry | undefined {
    return this.entries.find((e) => dnKey(e.dn) === dnKey(dn));
  }

  private search(request: LdapSearch): LdapEntry[] {
    this.searches.push(request);
    this.log.push(`search ${request.filter}`);
    const filter = FilterParser.parseString(request.filter);
    const base = dnKey(request.base);
    const inScope = (e: FakeEntry) => (request.scope === 'base' ? dnKey(e.dn) === base : dnKey(e.dn).endsWith(base));
    return this.entries.filter((e) => inScope(e) && this.matches(filter, e)).map((e) => this.project(e, request.attributes));
  }

  private values(entry: FakeEntry, attribute: string): string[] {
    const key = Object.keys(entry.attrs).find((k) => k.toLowerCase() === attribute.toLowerCase());
    return key ? entry.attrs[key] : [];
  }

  private matches(filter: Filter, entry: FakeEntry): boolean {
    if (filter instanceof AndFilter) return filter.filters.every((f) => this.matches(f, entry));
    if (filter instanceof OrFilter) return filter.filters.some((f) => this.matches(f, entry));
    if (filter instanceof NotFilter) return !this.matches(filter.filter, entry);
    if (filter instanceof PresenceFilter) return this.values(entry, filter.attribute).length > 0;
    if (filter instanceof EqualityFilter) {
      const wanted = String(filter.value);
      return this.values(entry, filter.attribute).some((v) => v.toLowerCase() === wanted.toLowerCase() || (v.includes('=') && dnKey(v) === dnKey(wanted)));
    }
    if (filter instanceof ExtensibleFilter && filter.rule === AD_IN_CHAIN_RULE) {
      // member:1.2.840.113556.1.4.1941: entry's members, their members, … contain the value
      const seen = new Set<string>();
      const stack = [...this.values(entry, filter.matchType)];
      while (stack.length) {
        const dn = stack.pop()!;
        if (dnKey(dn) === dnKey(filter.value)) return true;
        if (seen.has(dnKey(dn))) continue;
        seen.add(dnKey(dn));
        const nested = this.find(dn);
        if (nested) stack.push(...this.values(nested, filter.matchType));
      }
      return false;
    }
    throw new Error(`fake server: unsupported filter ${filter.toString()}`);
  }

  private project(entry: FakeEntry, attributes: string[]): LdapEntry {
    const out: LdapEntry = { dn: entry.dn };
    for (const requested of attributes) {
      if (requested === '1.1') continue;
      const range = /^(.+);range=(\d+)-\*$/.exec(requested);
      const name = range ? range[1] : requested;
      const all = this.values(entry, name);
      if (!all.length) continue;
      if (this.rangeSize !== undefined && name.toLowerCase() === 'member' && (range || all.length > this.rangeSize)) {
        const start = range && !this.repeatFirstRange ? Number(range[2]) : 0;
        const slice = all.slice(start, start + this.rangeSize);
        const last = start + slice.length >= all.length;
        out[`${name};range=${start}-${last ? '*' : start + slice.length - 1}`] = slice;
        continue;
      }
      out[name] = all.length === 1 ? all[0] : all;
    }
    return out;
  }
}

const BASE = 'dc=corp,dc=test';
const person = (uid: string, password?: string, extra: Record<string, string[]> = {}): FakeEntry => ({
  dn: `uid=${uid},ou=people,${BASE}`,
  attrs: { objectClass: ['inetOrgPerson'], uid: [uid], cn: [`${uid[0].toUpperCase()}${uid.slice(1)}`], mail: [`${uid}@corp.test`], ...extra },
  password,
});
const group = (cn: string, members: string[]): FakeEntry => ({
  dn: `cn=${cn},ou=groups,${BASE}`,
  attrs: { objectClass: ['groupOfNames'], cn: [cn], member: members },
});
const dn = {
  alice: `uid=alice,ou=people,${BASE}`,
  carol: `uid=carol,ou=people,${BASE}`,
  agents: `cn=agents,ou=groups,${BASE}`,
  tier2: `cn=tier2,ou=groups,${BASE}`,
  leads: `cn=leads,ou=groups,${BASE}`,
  loopA: `cn=loop-a,ou=groups,${BASE}`,
  loopB: `cn=loop-b,ou=groups,${BASE}`,
  big: `cn=big,ou=groups,${BASE}`,
  service: `cn=svc,${BASE}`,
};
const generated = (n: number) => Array.from({ length: n }, (_, i) => `uid=user${i + 1},ou=people,${BASE}`);

function world(): FakeServer {
  return new FakeServer([
    { dn: dn.service, attrs: { objectClass: ['organizationalRole'], cn: ['svc'] }, password: 'svc-pw' },
    person('alice', 'alice-pw'),
    person('carol', 'carol-pw'),
    person('twin', 'a', { uid: ['twin'] }),
    { ...person('twin', 'b'), dn: `uid=twin,ou=contractors,ou=people,${BASE}` },
    group('agents', [dn.alice, dn.tier2]),
    group('tier2', [dn.leads]),
    // Written differently on purpose (case, spaces): the server matches DNs, so must we.
    group('leads', [`UID=carol, ou=People, ${BASE.toUpperCase()}`, dn.loopA]),
    group('loop-a', [dn.loopB]),
    group('loop-b', [dn.loopA, dn.leads]),
    group('big', generated(3_100)),
  ]);
}

function config(overrides: DirectoryConfigInput = {}): DirectoryConfig {
  const parsed = parseDirectoryConfig({
    name: 'corp',
    url: 'ldap://dc1.corp.test',
    bindDn: dn.service,
    bindPassword: 'svc-pw',
    userSearchBase: `ou=people,${BASE}`,
    groupSearchBase: `ou=groups,${BASE}`,
    ...overrides,
  });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof DirectoryError)) throw new Error(`expected a DirectoryError, got ${String(err)}`);
  return err;
}

describe('LdaptsDirectory.authenticate', () => {
  it('searches as the service account, checks the password on its own connection, and resolves nesting', async () => {
    const server = world();
    const user = await new LdaptsDirectory(config(), server.connect).authenticate('carol', 'carol-pw');
    expect(user).toEqual({
      directory: 'corp',
      dn: dn.carol,
      username: 'carol',
      displayName: 'Carol',
      email: 'carol@corp.test',
      groups: [dn.leads, dn.tier2, dn.loopB, dn.agents, dn.loopA],
    });
    expect(server.log.slice(0, 7)).toEqual([
      'open',
      `bind ${dn.service}`,
      `search (uid=carol)`,
      'open',
      `bind ${dn.carol}`,
      'close',
      `search (member=${dn.carol})`,
    ]);
    expect(server.log.filter((l) => l === 'open').length).toBe(server.log.filter((l) => l === 'close').length);
  });

  it.each([
    ['an empty password', 'alice', ''],
    ['an empty user name', '', 'alice-pw'],
    ['a blank user name', '   ', 'alice-pw'],
    ['a 257-character user name', 'a'.repeat(257), 'alice-pw'],
    ['a 1025-character password', 'alice', 'p'.repeat(1025)],
  ])('refuses %s without opening a connection', async (_, username, password) => {
    const server = world();
    const err = await refusal(new LdaptsDirectory(config(), server.connect).authenticate(username, password));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'rejected_input' });
    expect(server.log).toEqual([]);
  });

  it('escapes the user name in the filter it sends', async () => {
    const server = world();
    const err = await refusal(new LdaptsDirectory(config(), server.connect).authenticate('*)(uid=*', 'alice-pw'));
    expect(err.reason).toBe('unknown_user');
    expect(server.searches[0].filter).toBe('(uid=\\2a\\29\\28uid=\\2a)');
    expect(server.log).not.toContain(`bind ${dn.alice}`);
  });

  it('refuses a name that matches two entries instead of picking one', async () => {
    const server = world();
    const err = await refusal(new LdaptsDirectory(config(), server.connect).authenticate('twin', 'a'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'ambiguous_user' });
    expect(server.log.some((l) => l.startsWith('bind uid=twin'))).toBe(false);
  });

  it('tells a wrong password from a broken service account', async () => {
    const server = world();
    expect(await refusal(new LdaptsDirectory(config(), server.connect).authenticate('alice', 'nope'))).toMatchObject({
      code: 'invalid_credentials',
      reason: 'wrong_password',
      step: 'user-bind',
    });
    expect(await refusal(new LdaptsDirectory(config({ bindPassword: 'old' }), server.connect).authenticate('alice', 'alice-pw'))).toMatchObject({
      code: 'misconfigured',
      step: 'bind',
    });
  });

  it('says unavailable, with the socket’s words, when the server is down', async () => {
    const server = world();
    server.down = true;
    const err = await refusal(new LdaptsDirectory(config(), server.connect).authenticate('alice', 'alice-pw'));
    expect(err).toMatchObject({ code: 'unavailable', serverMessage: 'connect ECONNREFUSED 10.0.0.1:389' });
  });

  it('searches anonymously when no service account is configured (never binds with an empty password)', async () => {
    const server = world();
    await new LdaptsDirectory(config({ bindDn: '', bindPassword: '' }), server.connect).authenticate('alice', 'alice-pw');
    expect(server.log.filter((l) => l.startsWith('bind'))).toEqual([`bind ${dn.alice}`]);
  });
});

describe('nested groups', () => {
  it('walks level by level, one OR-search per level, through a cycle', async () => {
    const server = world();
    const groups = await new LdaptsDirectory(config(), server.connect).groupsOf(dn.carol);
    expect(groups).toEqual([dn.leads, dn.tier2, dn.loopB, dn.agents, dn.loopA]);
    expect(server.searches.map((s) => s.filter)).toEqual([
      `(member=${dn.carol})`,
      `(member=${dn.leads})`,
      `(|(member=${dn.tier2})(member=${dn.loopB}))`,
      `(|(member=${dn.agents})(member=${dn.loopA}))`, // finds only loop-b again: the walk ends
    ]);
    expect(server.searches.every((s) => s.attributes.join() === '1.1')).toBe(true);
  });

  it('asks about at most WALK_BATCH groups per search', async () => {
    const many = Array.from({ length: 120 }, (_, i) => group(`g${i}`, [dn.alice]));
    const server = new FakeServer([...world().entries, ...many]);
    const groups = await new LdaptsDirectory(config(), server.connect).groupsOf(dn.alice);
    expect(groups).toHaveLength(121); // agents + g0…g119
    const ors = server.searches.slice(1).map((s) => (s.filter.match(/\(member=/g) ?? []).length);
    expect(ors).toEqual([WALK_BATCH, WALK_BATCH, 121 - 2 * WALK_BATCH]);
  });

  it('with the AD rule, asks once with 1.2.840.113556.1.4.1941', async () => {
    const server = world();
    const directory = new LdaptsDirectory(config({ nestedGroups: 'ad-matching-rule', groupFilter: '(&(objectClass=*)(member={{dn}}))' }), server.connect);
    const groups = await directory.groupsOf(dn.carol);
    expect(new Set(groups)).toEqual(new Set([dn.leads, dn.tier2, dn.agents, dn.loopA, dn.loopB]));
    expect(server.searches.map((s) => s.filter)).toEqual([`(&(objectClass=*)(member:${AD_IN_CHAIN_RULE}:=${dn.carol}))`]);
    expect(server.searches[0].attributes).toEqual(['1.1']);
  });

  it('with nesting off, returns direct groups only', async () => {
    const server = world();
    expect(await new LdaptsDirectory(config({ nestedGroups: 'none' }), server.connect).groupsOf(dn.carol)).toEqual([dn.leads]);
  });

  it('walkGroups: cycles end, each group once, depth is capped', async () => {
    // a → b → c → a (cycle), and a long chain g1 → g2 → … → g30
    const parents: Record<string, string[]> = { 'cn=u': ['cn=a'], 'cn=a': ['cn=b'], 'cn=b': ['cn=c'], 'cn=c': ['cn=a', 'CN=B'] };
    const calls: string[][] = [];
    const lookup = async (dns: string[]) => {
      calls.push(dns);
      return dns.flatMap((d) => parents[d.toLowerCase()] ?? []);
    };
    expect(await walkGroups('cn=u', lookup)).toEqual(['cn=a', 'cn=b', 'cn=c']);
    expect(calls).toEqual([['cn=u'], ['cn=a'], ['cn=b'], ['cn=c']]);

    const chain = async (dns: string[]) => dns.map((d) => `cn=g${Number(d.slice(4) || 0) + 1}`);
    const deep = await walkGroups('cn=g0', chain);
    expect(deep).toHaveLength(MAX_GROUP_DEPTH);
    expect(deep.at(-1)).toBe(`cn=g${MAX_GROUP_DEPTH}`);
  });

  it('closure (the sync’s in-memory walk) agrees with walkGroups', async () => {
    const index = new Map<string, string[]>([
      [dnKey('cn=u'), ['cn=a']],
      [dnKey('cn=a'), ['cn=b']],
      [dnKey('cn=b'), ['cn=a', 'cn=c']],
    ]);
    expect(closure(dnKey('cn=u'), index, true)).toEqual(['cn=a', 'cn=b', 'cn=c']);
    expect(closure(dnKey('cn=u'), index, false)).toEqual(['cn=a']);
  });
});

describe('ranged member retrieval (Active Directory past 1,500 values)', () => {
  it('reads rangedValues from an entry', () => {
    expect(rangedValues({ dn: 'cn=g', 'member;range=0-1499': ['a', 'b'] }, 'member')).toEqual({ start: 0, end: 1499, values: ['a', 'b'] });
    expect(rangedValues({ dn: 'cn=g', 'Member;Range=1500-*': 'c' }, 'member')).toEqual({ start: 1500, end: '*', values: ['c'] });
    expect(rangedValues({ dn: 'cn=g', member: ['a'] }, 'member')).toBeUndefined();
  });

  it('asks for the next range until one ends in *', async () => {
    const server = world();
    server.rangeSize = 1500;
    const members = await new LdaptsDirectory(config(), server.connect).membersOf(dn.big);
    expect(members).toEqual(generated(3_100));
    expect(server.searches.map((s) => s.attributes)).toEqual([['member'], ['member;range=1500-*'], ['member;range=3000-*']]);
  });

  it('returns everything at once from a server without ranges', async () => {
    const server = world();
    expect(await new LdaptsDirectory(config(), server.connect).membersOf(dn.big)).toHaveLength(3_100);
    expect(server.searches).toHaveLength(1);
  });

  it('stops instead of looping when a server hands back the same range again', async () => {
    const server = world();
    server.rangeSize = 1500;
    server.repeatFirstRange = true;
    const members = await new LdaptsDirectory(config(), server.connect).membersOf(dn.big);
    expect(members).toHaveLength(1500);
    expect(server.searches).toHaveLength(2);
  });

  it('the sync listing follows ranges too, and resolves every user’s nesting from one group listing', async () => {
    const server = world();
    server.entries.push(...generated(3_100).map((d, i) => ({ dn: d, attrs: { objectClass: ['inetOrgPerson'], uid: [`user${i + 1}`], cn: [`User ${i + 1}`] } })));
    server.rangeSize = 1500;
    const users = await new LdaptsDirectory(config(), server.connect).listUsers();
    const byName = new Map(users.map((u) => [u.username, u]));
    expect(byName.get('user3100')?.groups).toEqual([dn.big]);
    expect(byName.get('user1')?.email).toBeNull();
    expect(new Set(byName.get('carol')?.groups)).toEqual(new Set([dn.leads, dn.tier2, dn.agents, dn.loopA, dn.loopB]));
    expect(users.filter((u) => u.username === 'twin')).toHaveLength(2);
    // users (1 paged search) + groups (1) + the big group's two further ranges
    expect(server.searches).toHaveLength(4);
  });
});

describe('LdaptsDirectory.test', () => {
  it('reports each step, and skips what cannot run', async () => {
    const server = world();
    const directory = new LdaptsDirectory(config(), server.connect);
    const ok = await directory.test('carol');
    expect(ok.ok).toBe(true);
    expect(ok.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
    expect(ok.user?.username).toBe('carol');

    server.down = true;
    const down = await directory.test('carol');
    expect(down.steps).toEqual([
      expect.objectContaining({ step: 'bind', status: 'failed', message: 'connect ECONNREFUSED 10.0.0.1:389' }),
      expect.objectContaining({ step: 'search', status: 'skipped' }),
      expect.objectContaining({ step: 'groups', status: 'skipped' }),
    ]);
    expect(server.log.filter((l) => l === 'open').length).toBe(server.log.filter((l) => l === 'close').length);
  });
});
