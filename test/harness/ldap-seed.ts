import { createHash, randomBytes } from 'node:crypto';

/*
 * The directory the LDAP tests run against, as LDIF for slapadd (see slapd.ts).
 *
 *   dc=example,dc=test
 *     ou=system   cn=opora-service   the read-only service account the product binds as
 *     ou=people   alice (agent), bob (specialist), carol (manager), dave (leaves in a test),
 *                 ivan (cn: Иван Петров), user0001 … user1600 (generated, no password)
 *     ou=groups   agents  ⊃ alice, dave, tier2, "Night shift (ops), east"
 *                 tier2   ⊃ bob, leads                  carol reaches agents through two levels
 *                 leads   ⊃ carol
 *                 Night shift (ops), east ⊃ ivan         a DN that needs escaping inside a filter
 *                 loop-a  ⊃ bob, loop-b                  a membership cycle: the walk must stop
 *                 loop-b  ⊃ loop-a
 *                 everyone ⊃ user0001 … user1600         more than AD's 1,500-value range
 */

export const BASE_DN = 'dc=example,dc=test';
export const PEOPLE_DN = `ou=people,${BASE_DN}`;
export const GROUPS_DN = `ou=groups,${BASE_DN}`;
export const SERVICE_DN = `cn=opora-service,ou=system,${BASE_DN}`;
export const SERVICE_PASSWORD = 'service-secret-42';
export const GENERATED_USERS = 1600;

export interface SeedPerson {
  uid: string;
  cn: string;
  sn: string;
  mail: string;
  password: string;
}

export const PEOPLE = {
  alice: { uid: 'alice', cn: 'Alice Agent', sn: 'Agent', mail: 'alice@example.test', password: 'alice-pw-1' },
  bob: { uid: 'bob', cn: 'Bob Specialist', sn: 'Specialist', mail: 'bob@example.test', password: 'bob-pw-2' },
  carol: { uid: 'carol', cn: 'Carol Manager', sn: 'Manager', mail: 'carol@example.test', password: 'carol-pw-3' },
  dave: { uid: 'dave', cn: 'Dave Leaver', sn: 'Leaver', mail: 'dave@example.test', password: 'dave-pw-4' },
  ivan: { uid: 'ivan', cn: 'Иван Петров', sn: 'Петров', mail: 'ivan@example.test', password: 'пароль-ivan-5' },
} satisfies Record<string, SeedPerson>;

export const personDn = (uid: string): string => `uid=${uid},${PEOPLE_DN}`;
export const generatedUid = (n: number): string => `user${String(n).padStart(4, '0')}`;

export const GROUP_DN = {
  agents: `cn=agents,${GROUPS_DN}`,
  tier2: `cn=tier2,${GROUPS_DN}`,
  leads: `cn=leads,${GROUPS_DN}`,
  nightShift: `cn=Night shift (ops)\\, east,${GROUPS_DN}`,
  loopA: `cn=loop-a,${GROUPS_DN}`,
  loopB: `cn=loop-b,${GROUPS_DN}`,
  everyone: `cn=everyone,${GROUPS_DN}`,
} as const;

export interface SeedOptions {
  /** How many generated people (and members of `everyone`); default GENERATED_USERS. */
  generated?: number;
}

/** The LDIF for slapadd. Passwords are stored as {SSHA} hashes, the way slappasswd writes them. */
export function ldapSeed(options: SeedOptions = {}): string {
  const generated = options.generated ?? GENERATED_USERS;
  const entries: Array<Array<[string, string]>> = [
    [['dn', BASE_DN], ['objectClass', 'dcObject'], ['objectClass', 'organization'], ['dc', 'example'], ['o', 'Example']],
    [['dn', `ou=system,${BASE_DN}`], ['objectClass', 'organizationalUnit'], ['ou', 'system']],
    [
      ['dn', SERVICE_DN],
      ['objectClass', 'organizationalRole'],
      ['objectClass', 'simpleSecurityObject'],
      ['cn', 'opora-service'],
      ['userPassword', sshaHash(SERVICE_PASSWORD)],
    ],
    [['dn', PEOPLE_DN], ['objectClass', 'organizationalUnit'], ['ou', 'people']],
    ...Object.values(PEOPLE).map((p) => person(p)),
  ];
  for (let n = 1; n <= generated; n++) {
    const uid = generatedUid(n);
    entries.push([
      ['dn', personDn(uid)],
      ['objectClass', 'inetOrgPerson'],
      ['uid', uid],
      ['cn', `Generated User ${n}`],
      ['sn', `User ${n}`],
      ['mail', `${uid}@example.test`],
    ]);
  }
  entries.push([['dn', GROUPS_DN], ['objectClass', 'organizationalUnit'], ['ou', 'groups']]);
  const group = (dn: string, cn: string, members: string[]): Array<[string, string]> => [
    ['dn', dn],
    ['objectClass', 'groupOfNames'],
    ['cn', cn],
    ...members.map((m): [string, string] => ['member', m]),
  ];
  entries.push(
    group(GROUP_DN.agents, 'agents', [personDn('alice'), personDn('dave'), GROUP_DN.tier2, GROUP_DN.nightShift]),
    group(GROUP_DN.tier2, 'tier2', [personDn('bob'), GROUP_DN.leads]),
    group(GROUP_DN.leads, 'leads', [personDn('carol')]),
    group(GROUP_DN.nightShift, 'Night shift (ops), east', [personDn('ivan')]),
    group(GROUP_DN.loopA, 'loop-a', [personDn('bob'), GROUP_DN.loopB]),
    group(GROUP_DN.loopB, 'loop-b', [GROUP_DN.loopA]),
    group(
      GROUP_DN.everyone,
      'everyone',
      Array.from({ length: generated }, (_, i) => personDn(generatedUid(i + 1))),
    ),
  );
  return entries.map((entry) => entry.map(([name, value]) => ldifLine(name, value)).join('\n')).join('\n\n') + '\n';
}

function person(p: SeedPerson): Array<[string, string]> {
  return [
    ['dn', personDn(p.uid)],
    ['objectClass', 'inetOrgPerson'],
    ['uid', p.uid],
    ['cn', p.cn],
    ['sn', p.sn],
    ['mail', p.mail],
    ['userPassword', sshaHash(p.password)],
  ];
}

/** RFC 2849: values that are not plain printable ASCII (or start with a space, ':' or '<') go base64 with '::'. */
function ldifLine(name: string, value: string): string {
  const safe = /^[\x21-\x39\x3b\x3d-\x7e][\x20-\x7e]*$/.test(value) && !value.endsWith(' ');
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

/** {SSHA}: base64(sha1(password + salt) + salt), as `slappasswd -s` produces. */
export function sshaHash(password: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha1').update(Buffer.from(password, 'utf8')).update(salt).digest();
  return `{SSHA}${Buffer.concat([digest, salt]).toString('base64')}`;
}
