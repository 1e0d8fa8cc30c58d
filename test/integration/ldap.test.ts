import { Client } from 'ldapts';
import type { Directory, DirectoryUser } from '../../src/identity/ldap/directory';
import { DirectoryChain } from '../../src/identity/ldap/directory-chain';
import { parseDirectoryConfig, type DirectoryConfig, type DirectoryConfigInput } from '../../src/identity/ldap/directory-config';
import { DirectoryError } from '../../src/identity/ldap/ldap-errors';
import { LdaptsDirectory } from '../../src/identity/ldap/ldapts-directory';
import { createLdapauthStrategy, DirectoryStrategy } from '../../src/identity/ldap/passport-strategy';
import { freePort } from '../harness/free-port';
import {
  GENERATED_USERS,
  GROUP_DN,
  PEOPLE,
  PEOPLE_DN,
  SERVICE_DN,
  SERVICE_PASSWORD,
  generatedUid,
  ldapSeed,
  personDn,
} from '../harness/ldap-seed';
import { startSlapd, type SlapdServer } from '../harness/slapd';
import { slapdSettings } from '../support/directory-fixture';

// The directory layer against a real slapd: people, nested groups (with a cycle and a DN that
// needs escaping), a 1,600-member group, ldaps:// and STARTTLS with a generated CA.

let slapd: SlapdServer;

beforeAll(async () => {
  slapd = await startSlapd(ldapSeed(), { tls: true });
});

afterAll(async () => {
  await slapd?.stop();
});

function config(overrides: DirectoryConfigInput = {}): DirectoryConfig {
  const parsed = parseDirectoryConfig({ ...slapdSettings(slapd.url), ...overrides });
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.config;
}

const directory = (overrides: DirectoryConfigInput = {}) => new LdaptsDirectory(config(overrides));

/** The DirectoryError a promise rejects with (fails the test if it resolves). */
async function refusal(promise: Promise<unknown>): Promise<DirectoryError> {
  const outcome = await promise.then(
    (value) => ({ resolved: value }),
    (err: unknown) => ({ err }),
  );
  if ('resolved' in outcome) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.resolved)}`);
  expect(outcome.err).toBeInstanceOf(DirectoryError);
  return outcome.err as DirectoryError;
}

const sorted = (dns: string[]) => [...dns].map((d) => d.toLowerCase()).sort();
const escapedNightShift = /^cn=Night shift \(ops\)(\\,|\\2C) east,ou=groups,dc=example,dc=test$/i;

describe('sign-in against slapd', () => {
  it('returns alice with her display name, mail and group', async () => {
    const user = await directory().authenticate('alice', PEOPLE.alice.password);
    expect(user).toEqual<DirectoryUser>({
      directory: 'corp',
      dn: personDn('alice'),
      username: 'alice',
      displayName: 'Alice Agent',
      email: 'alice@example.test',
      groups: [GROUP_DN.agents],
    });
  });

  it('resolves nested groups: carol is in agents through leads and tier2', async () => {
    const user = await directory().authenticate('carol', PEOPLE.carol.password);
    expect(user.groups).toEqual([GROUP_DN.leads, GROUP_DN.tier2, GROUP_DN.agents]);
  });

  it('walks a membership cycle once and stops', async () => {
    const user = await directory().authenticate('bob', PEOPLE.bob.password);
    expect(sorted(user.groups)).toEqual(sorted([GROUP_DN.tier2, GROUP_DN.agents, GROUP_DN.loopA, GROUP_DN.loopB]));
  });

  it('keeps a Cyrillic name and password intact, and walks up from a group whose DN needs escaping', async () => {
    const user = await directory().authenticate('ivan', PEOPLE.ivan.password);
    expect(user.displayName).toBe('Иван Петров');
    expect(user.groups).toHaveLength(2);
    expect(user.groups[0]).toMatch(escapedNightShift);
    expect(user.groups[1]).toBe(GROUP_DN.agents);
  });

  it('finds the user whatever the case of the name, and reports the directory spelling', async () => {
    const user = await directory().authenticate(' ALICE ', PEOPLE.alice.password);
    expect(user.username).toBe('alice');
  });

  it('with nesting off, returns direct groups only', async () => {
    const user = await directory({ nestedGroups: 'none' }).authenticate('carol', PEOPLE.carol.password);
    expect(user.groups).toEqual([GROUP_DN.leads]);
  });

  it('refuses a wrong password', async () => {
    const err = await refusal(directory().authenticate('alice', 'not-her-password'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'wrong_password' });
    expect(err.serverMessage).toMatch(/invalidCredentials/);
  });

  it('refuses an unknown user', async () => {
    const err = await refusal(directory().authenticate('mallory', 'whatever'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'unknown_user' });
  });

  it('refuses a generated user that has no password at all', async () => {
    const err = await refusal(directory().authenticate(generatedUid(1), 'anything'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'wrong_password' });
  });

  const injections = [
    '*',
    'alice*',
    '*)(uid=*',
    'alice)(|(uid=*',
    '*)(|(objectClass=*',
    'alice)(&',
    '(',
    ')',
    '\\00',
    'alice\\00',
    'alice\0',
    '\0',
    '\\2a',
    'alice\\',
    'uid=alice,ou=people,dc=example,dc=test',
  ];
  it.each(injections)('refuses the filter injection %j, even with a real password', async (name) => {
    const dir = directory();
    for (const password of [PEOPLE.alice.password, PEOPLE.bob.password, 'x']) {
      const err = await refusal(dir.authenticate(name, password));
      expect(err.code).toBe('invalid_credentials');
    }
  });

  it('never binds anonymously: an empty password is refused before the server is asked', async () => {
    for (const name of ['alice', 'carol', '*', '']) {
      const err = await refusal(directory().authenticate(name, ''));
      expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'rejected_input' });
    }
  });

  it('refuses over-long input before the server is asked', async () => {
    const longName = await refusal(directory().authenticate('a'.repeat(300), PEOPLE.alice.password));
    expect(longName).toMatchObject({ code: 'invalid_credentials', reason: 'rejected_input' });
    const longPassword = await refusal(directory().authenticate('alice', 'p'.repeat(1025)));
    expect(longPassword).toMatchObject({ code: 'invalid_credentials', reason: 'rejected_input' });
    // 256 characters is still a name we look up (and do not find).
    const atLimit = await refusal(directory().authenticate('a'.repeat(256), PEOPLE.alice.password));
    expect(atLimit.reason).toBe('unknown_user');
  });

  it('reports a broken service account as a settings problem, not as a wrong password', async () => {
    const err = await refusal(directory({ bindPassword: 'wrong' }).authenticate('alice', PEOPLE.alice.password));
    expect(err.code).toBe('misconfigured');
    expect(err.step).toBe('bind');
  });
});

describe('users and groups for the sync', () => {
  it('lists every member of a group with more than 1,500 members', async () => {
    const members = await directory().membersOf(GROUP_DN.everyone);
    expect(members).toHaveLength(GENERATED_USERS);
    expect(new Set(members).size).toBe(GENERATED_USERS);
    expect(members).toContain(personDn(generatedUid(1)));
    expect(members).toContain(personDn(generatedUid(GENERATED_USERS)));
  });

  it('pages through everyone although the server stops plain searches at 500 entries', async () => {
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(SERVICE_DN, SERVICE_PASSWORD);
      await expect(client.search(PEOPLE_DN, { filter: '(uid=*)', attributes: ['uid'] })).rejects.toThrow(/0x4/);
    } finally {
      await client.unbind();
    }
    const users = await directory().listUsers();
    expect(users).toHaveLength(Object.keys(PEOPLE).length + GENERATED_USERS);
    const byName = new Map(users.map((u) => [u.username, u]));
    expect(sorted(byName.get('carol')!.groups)).toEqual(sorted([GROUP_DN.leads, GROUP_DN.tier2, GROUP_DN.agents]));
    expect(sorted(byName.get('bob')!.groups)).toEqual(sorted([GROUP_DN.tier2, GROUP_DN.agents, GROUP_DN.loopA, GROUP_DN.loopB]));
    expect(byName.get('ivan')!.displayName).toBe('Иван Петров');
    expect(byName.get('ivan')!.groups.map((g) => (escapedNightShift.test(g) ? 'night' : g))).toEqual(['night', GROUP_DN.agents]);
    expect(byName.get(generatedUid(1600))!.groups).toEqual([GROUP_DN.everyone]);
  });

  it('the sync listing and sign-in agree on every seeded person’s groups', async () => {
    const dir = directory();
    const listed = new Map((await dir.listUsers()).map((u) => [u.username, u]));
    for (const person of Object.values(PEOPLE)) {
      const signedIn = await dir.authenticate(person.uid, person.password);
      expect(sorted(listed.get(person.uid)!.groups)).toEqual(sorted(signedIn.groups));
    }
  });

  it('finds a user by name (with groups) and answers null for nobody', async () => {
    const dir = directory();
    expect(await dir.findUser('carol')).toMatchObject({ dn: personDn('carol'), groups: [GROUP_DN.leads, GROUP_DN.tier2, GROUP_DN.agents] });
    expect(await dir.findUser('nobody')).toBeNull();
    expect(await dir.findUser('*')).toBeNull();
    expect(await dir.groupsOf(GROUP_DN.leads)).toEqual([GROUP_DN.tier2, GROUP_DN.agents]);
  });

  it('a person removed from the directory is gone from the listing and cannot sign in', async () => {
    expect((await directory().listUsers()).some((u) => u.username === 'dave')).toBe(true);
    const admin = new Client({ url: slapd.url });
    try {
      await admin.bind(slapd.adminDn, slapd.adminPassword);
      await admin.del(personDn('dave'));
    } finally {
      await admin.unbind();
    }
    expect((await directory().listUsers()).some((u) => u.username === 'dave')).toBe(false);
    const err = await refusal(directory().authenticate('dave', PEOPLE.dave.password));
    expect(err.reason).toBe('unknown_user');
  });
});

describe('TLS with a CA file', () => {
  it('signs in over ldaps://', async () => {
    const user = await directory({ url: slapd.ldapsUrl, caFile: slapd.caFile }).authenticate('alice', PEOPLE.alice.password);
    expect(user.dn).toBe(personDn('alice'));
  });

  it('signs in over STARTTLS', async () => {
    const user = await directory({ startTls: true, caFile: slapd.caFile }).authenticate('carol', PEOPLE.carol.password);
    expect(user.groups).toHaveLength(3);
  });

  it('refuses a server certificate it cannot verify, with the TLS error, as a settings problem', async () => {
    const err = await refusal(directory({ url: slapd.ldapsUrl }).authenticate('alice', PEOPLE.alice.password));
    expect(err.code).toBe('misconfigured');
    expect(err.serverMessage).toMatch(/self[- ]signed certificate/i);
    const report = await directory({ startTls: true }).test('alice');
    expect(report.steps[0]).toMatchObject({ step: 'bind', status: 'failed' });
    expect(report.steps[0].message).toMatch(/self[- ]signed certificate/i);
  });
});

describe('the LDAP test report', () => {
  it('shows bind, search and groups for a user', async () => {
    const report = await directory().test('carol');
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => [s.step, s.status])).toEqual([
      ['bind', 'ok'],
      ['search', 'ok'],
      ['groups', 'ok'],
    ]);
    expect(report.steps[0].message).toContain(SERVICE_DN);
    expect(report.steps[1].message).toContain(personDn('carol'));
    expect(report.steps[2].message).toContain(GROUP_DN.agents);
    expect(report.user?.groups).toHaveLength(3);
  });

  it('checks the bases and filters when no user name is given', async () => {
    const report = await directory().test();
    expect(report.steps.map((s) => s.status)).toEqual(['ok', 'ok', 'ok']);
  });

  it('shows the server’s own words when the service account is refused', async () => {
    const report = await directory({ bindPassword: 'wrong' }).test('carol');
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ step: 'bind', status: 'failed' });
    expect(report.steps[0].message).toMatch(/LDAP 49 invalidCredentials/);
    expect(report.steps.slice(1).map((s) => s.status)).toEqual(['skipped', 'skipped']);
  });

  it('shows a wrong search base and an unknown user', async () => {
    const badBase = await directory({ userSearchBase: 'ou=nowhere,dc=example,dc=test' }).test('carol');
    expect(badBase.steps[1]).toMatchObject({ step: 'search', status: 'failed' });
    expect(badBase.steps[1].message).toMatch(/noSuchObject/);
    const nobody = await directory().test('nobody');
    expect(nobody.steps[1]).toMatchObject({ step: 'search', status: 'failed' });
    expect(nobody.steps[1].message).toContain('(uid=nobody)');
    expect(nobody.steps[2].status).toBe('skipped');
  });
});

describe('when LDAP is down', () => {
  it('a stopped server makes sign-in `unavailable` with the socket error, and the report shows the bind failing', async () => {
    const small = await startSlapd(ldapSeed({ generated: 3 }));
    const dir = directory({ url: small.url });
    expect((await dir.authenticate('alice', PEOPLE.alice.password)).username).toBe('alice');
    await small.stop();

    const err = await refusal(dir.authenticate('alice', PEOPLE.alice.password));
    expect(err.code).toBe('unavailable');
    expect(err.serverMessage).toMatch(/ECONNREFUSED/);
    expect(err.message).toContain('corp');

    const report = await dir.test('alice');
    expect(report.ok).toBe(false);
    expect(report.steps[0]).toMatchObject({ step: 'bind', status: 'failed' });
    expect(report.steps[0].message).toMatch(/connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(report.steps.slice(1).map((s) => s.status)).toEqual(['skipped', 'skipped']);
  });

  it('a chain skips a dead directory and signs in with the live one', async () => {
    const dead = directory({ name: 'dead', url: `ldap://127.0.0.1:${await freePort()}` });
    const chain = new DirectoryChain([dead, directory({ name: 'live' })]);
    expect(await chain.authenticate('alice', PEOPLE.alice.password)).toMatchObject({ directory: 'live', username: 'alice' });
    // Unknown in the live one while another is down: the user may live in the dead one.
    const err = await refusal(chain.authenticate('mallory', 'x'));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/dead: .*ECONNREFUSED/);
  });

  it('a chain of dead directories reports every one of them', async () => {
    const chain = new DirectoryChain([
      directory({ name: 'first', url: `ldap://127.0.0.1:${await freePort()}` }),
      directory({ name: 'second', url: `ldap://127.0.0.1:${await freePort()}` }),
    ]);
    const err = await refusal(chain.authenticate('alice', PEOPLE.alice.password));
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(/first: .*ECONNREFUSED.*; second: .*ECONNREFUSED/);
  });
});

describe('a chain of two live directories', () => {
  // A second "directory" on the same server: the service accounts under ou=system, found by cn.
  const system = () =>
    directory({ name: 'system', userSearchBase: `ou=system,${slapd.baseDn}`, userFilter: '(cn={{username}})', attributes: { username: 'cn' } });

  it('passes a user unknown to the first on to the second', async () => {
    const chain = new DirectoryChain([directory(), system()]);
    expect(await chain.authenticate('opora-service', SERVICE_PASSWORD)).toMatchObject({ directory: 'system', dn: SERVICE_DN });
  });

  it('stops at a wrong password instead of trying the next directory', async () => {
    const next: Directory = system();
    const spy = jest.spyOn(next, 'authenticate');
    const err = await refusal(new DirectoryChain([directory(), next]).authenticate('alice', 'wrong'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'wrong_password', directory: 'corp' });
    expect(spy).not.toHaveBeenCalled();
  });

  it('refuses an unknown user everywhere as invalid credentials', async () => {
    const err = await refusal(new DirectoryChain([directory(), system()]).authenticate('nobody', 'x'));
    expect(err).toMatchObject({ code: 'invalid_credentials', reason: 'unknown_user' });
  });
});

type Outcome =
  | { kind: 'success'; user: DirectoryUser }
  | { kind: 'fail'; challenge: unknown; status: number | undefined }
  | { kind: 'error'; err: unknown };

/** Runs a passport strategy the way passport.authenticate does: a copy with success/fail/error attached. */
function runStrategy(strategy: object, body: Record<string, unknown>): Promise<Outcome> {
  return new Promise((resolve) => {
    const attempt = Object.create(strategy) as {
      success: (user: DirectoryUser) => void;
      fail: (challenge: unknown, status?: number) => void;
      error: (err: unknown) => void;
      redirect: () => void;
      pass: () => void;
      authenticate: (req: unknown, options?: unknown) => void;
    };
    attempt.success = (user) => resolve({ kind: 'success', user });
    attempt.fail = (challenge, status) => resolve({ kind: 'fail', challenge, status });
    attempt.error = (err) => resolve({ kind: 'error', err });
    attempt.redirect = () => resolve({ kind: 'error', err: new Error('unexpected redirect') });
    attempt.pass = () => resolve({ kind: 'error', err: new Error('unexpected pass') });
    attempt.authenticate({ body, query: {}, headers: {} }, {});
  });
}

describe('passport strategies', () => {
  it('passport-ldapauth signs alice in from a DirectoryConfig (options inside `server:`)', async () => {
    const outcome = await runStrategy(createLdapauthStrategy(config()), { username: 'alice', password: PEOPLE.alice.password });
    expect(outcome).toEqual({
      kind: 'success',
      user: {
        directory: 'corp',
        dn: personDn('alice'),
        username: 'alice',
        displayName: 'Alice Agent',
        email: 'alice@example.test',
        groups: [GROUP_DN.agents],
      },
    });
  });

  it('passport-ldapauth gets nested groups from a Directory, and works over ldaps://', async () => {
    const cfg = config({ url: slapd.ldapsUrl, caFile: slapd.caFile });
    const outcome = await runStrategy(createLdapauthStrategy(cfg, { groups: new LdaptsDirectory(cfg) }), {
      username: 'carol',
      password: PEOPLE.carol.password,
    });
    expect(outcome).toMatchObject({ kind: 'success', user: { groups: [GROUP_DN.leads, GROUP_DN.tier2, GROUP_DN.agents] } });
  });

  it('passport-ldapauth is not built for STARTTLS (ldapjs sends the bind mid-handshake)', () => {
    expect(() => createLdapauthStrategy(config({ startTls: true, caFile: slapd.caFile }))).toThrow(/STARTTLS/);
  });

  it('passport-ldapauth refuses wrong passwords, unknown users, injection and empty passwords', async () => {
    const strategy = createLdapauthStrategy(config());
    for (const [username, password] of [['alice', 'wrong'], ['mallory', 'x'], ['*)(uid=*', PEOPLE.alice.password], ['alice*', PEOPLE.alice.password]]) {
      expect(await runStrategy(strategy, { username, password })).toMatchObject({ kind: 'fail', status: 401 });
    }
    expect(await runStrategy(strategy, { username: 'alice', password: '' })).toMatchObject({ kind: 'fail', status: 400 });
  });

  it('DirectoryStrategy signs in through a chain and separates refusals from outages', async () => {
    const live = new DirectoryStrategy(new DirectoryChain([directory()]));
    expect(await runStrategy(live, { username: 'carol', password: PEOPLE.carol.password })).toMatchObject({
      kind: 'success',
      user: { username: 'carol', groups: [GROUP_DN.leads, GROUP_DN.tier2, GROUP_DN.agents] },
    });
    expect(await runStrategy(live, { username: 'carol', password: 'wrong' })).toMatchObject({ kind: 'fail', status: 401 });
    expect(await runStrategy(live, { username: '*)(uid=*', password: 'x' })).toMatchObject({ kind: 'fail', status: 401 });
    expect(await runStrategy(live, { username: 'carol', password: '' })).toMatchObject({ kind: 'fail', status: 400 });

    const down = new DirectoryStrategy(new DirectoryChain([directory({ url: `ldap://127.0.0.1:${await freePort()}` })]));
    const outcome = await runStrategy(down, { username: 'carol', password: PEOPLE.carol.password });
    expect(outcome.kind).toBe('error');
    expect(outcome.kind === 'error' && outcome.err).toMatchObject({ code: 'unavailable' });
  });
});
