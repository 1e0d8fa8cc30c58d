import { existsSync, statSync } from 'node:fs';
import { FilterParser } from 'ldapts';
import { DN_PLACEHOLDER, USERNAME_PLACEHOLDER, everyoneFilter } from './ldap-filter';

/** How nested group membership is resolved. */
export type NestedGroups =
  /** Search for the groups that contain the user, then the groups containing those, … (any server). */
  | 'walk'
  /** One search with AD's in-chain matching rule 1.2.840.113556.1.4.1941 (Active Directory only). */
  | 'ad-matching-rule'
  /** Direct membership only. */
  | 'none';

export const NESTED_GROUPS_MODES: readonly NestedGroups[] = ['walk', 'ad-matching-rule', 'none'];

export interface DirectoryAttributes {
  /** The login name: `uid` (OpenLDAP), `sAMAccountName` or `userPrincipalName` (AD). */
  username: string;
  displayName: string;
  email: string;
}

/** One directory's settings. Several directories are tried in order (DirectoryChain). */
export interface DirectoryConfig {
  /** Short name, shown in logs, errors and the test report: `corp`, `branch-ad`. */
  name: string;
  /** `ldap://host[:port]` or `ldaps://host[:port]`; nothing after the port. */
  url: string;
  /** Upgrade an ldap:// connection with STARTTLS before anything is sent. */
  startTls: boolean;
  /** PEM file with the CA certificate(s) to trust for ldaps:// or STARTTLS; default: the system's. */
  caFile?: string;
  /** Service account used for searches: a DN (or on AD `user@domain`). Empty = anonymous search. */
  bindDn: string;
  bindPassword: string;
  userSearchBase: string;
  /** Finds one user by login name; `{{username}}` is replaced by the escaped name. */
  userFilter: string;
  /** Finds every user for the sync; default: userFilter with `*` in place of `{{username}}`. */
  listFilter?: string;
  attributes: DirectoryAttributes;
  groupSearchBase: string;
  /** Finds the groups that directly contain an entry; `{{dn}}` is replaced by its escaped DN. */
  groupFilter: string;
  /** The group attribute that lists members (read when listing a group's members). */
  memberAttribute: string;
  nestedGroups: NestedGroups;
  /** Limit for connecting and for each LDAP operation. */
  timeoutMs: number;
}

/** What an admin or a config file must give at least; the rest has defaults. */
export type DirectoryConfigInput = Partial<Omit<DirectoryConfig, 'attributes'>> & {
  attributes?: Partial<DirectoryAttributes>;
};

export const DEFAULT_GROUP_FILTER = '(member={{dn}})';
export const DEFAULT_TIMEOUT_MS = 5_000;

const DEFAULTS = {
  startTls: false,
  bindDn: '',
  bindPassword: '',
  userFilter: '(uid={{username}})',
  attributes: { username: 'uid', displayName: 'cn', email: 'mail' },
  groupFilter: DEFAULT_GROUP_FILTER,
  memberAttribute: 'member',
  nestedGroups: 'walk' as NestedGroups,
  timeoutMs: DEFAULT_TIMEOUT_MS,
};

/** Starting points for the two common kinds of directory (the admin page can offer them). */
export const DIRECTORY_PRESETS = {
  openldap: {
    userFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    attributes: { username: 'uid', displayName: 'cn', email: 'mail' },
    groupFilter: '(&(objectClass=groupOfNames)(member={{dn}}))',
    memberAttribute: 'member',
    nestedGroups: 'walk',
  },
  'active-directory': {
    // Disabled accounts (userAccountControl bit 2) are not found: they cannot sign in, and the sync sees them as gone.
    userFilter:
      '(&(objectCategory=person)(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2))' +
      '(|(sAMAccountName={{username}})(userPrincipalName={{username}})))',
    attributes: { username: 'sAMAccountName', displayName: 'displayName', email: 'mail' },
    groupFilter: '(&(objectClass=group)(member={{dn}}))',
    memberAttribute: 'member',
    nestedGroups: 'ad-matching-rule',
  },
} satisfies Record<string, DirectoryConfigInput>;

const KNOWN_KEYS = new Set([
  'name', 'url', 'startTls', 'caFile', 'bindDn', 'bindPassword', 'userSearchBase', 'userFilter', 'listFilter',
  'attributes', 'groupSearchBase', 'groupFilter', 'memberAttribute', 'nestedGroups', 'timeoutMs',
]);
const ATTRIBUTE_NAME = /^([A-Za-z][A-Za-z0-9-]*|\d+(\.\d+)+)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const MIN_TIMEOUT_MS = 100;
export const MAX_TIMEOUT_MS = 120_000;

export type ParsedDirectoryConfig = { ok: true; config: DirectoryConfig } | { ok: false; problems: string[] };

/**
 * Checks one directory's settings (from a config file, the environment or the admin page) and
 * fills in the defaults. Each problem is one line naming the directory and the field:
 * `directory "corp": url: must start with ldap:// or ldaps:// (got "http://dc1")`.
 */
export function parseDirectoryConfig(input: unknown, options: { checkFiles?: boolean } = {}): ParsedDirectoryConfig {
  const raw = (typeof input === 'object' && input !== null && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const label = typeof raw.name === 'string' && raw.name ? `directory "${raw.name}"` : 'directory';
  const problems: string[] = [];
  const problem = (field: string, text: string) => problems.push(`${label}: ${field}: ${text}`);
  if (raw !== input) return { ok: false, problems: [`${label}: must be an object with the directory's settings`] };

  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.has(key)) problem(key, `unknown setting (known: ${[...KNOWN_KEYS].join(', ')})`);
  }
  const text = (field: string, fallback?: string): string => {
    const value = raw[field] ?? fallback;
    if (value === undefined) {
      problem(field, 'is required');
      return '';
    }
    if (typeof value !== 'string') {
      problem(field, `must be text (got ${typeof value})`);
      return '';
    }
    if (/[\0\r\n]/.test(value)) problem(field, 'must not contain line breaks or NUL characters');
    return value;
  };

  const name = text('name');
  if (name && !NAME.test(name)) problem('name', 'use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');

  const url = text('url').trim();
  let secure = false;
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      problem('url', `is not a URL (got ${JSON.stringify(url)})`);
    }
    if (parsed) {
      secure = parsed.protocol === 'ldaps:';
      if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') {
        problem('url', `must start with ldap:// or ldaps:// (got ${JSON.stringify(url)})`);
      } else if (!parsed.hostname) {
        problem('url', `has no host name (got ${JSON.stringify(url)})`);
      } else if ((parsed.pathname && parsed.pathname !== '/') || parsed.search || parsed.hash || parsed.username) {
        problem('url', `give only scheme, host and port, e.g. ldaps://dc1.corp.example:636 (got ${JSON.stringify(url)})`);
      }
    }
  }

  const startTls = raw.startTls ?? DEFAULTS.startTls;
  if (typeof startTls !== 'boolean') problem('startTls', 'must be true or false');
  else if (startTls && secure) problem('startTls', 'STARTTLS upgrades a plain ldap:// connection; with ldaps:// leave it off');

  let caFile: string | undefined;
  if (raw.caFile !== undefined && raw.caFile !== '') {
    caFile = text('caFile');
    if (caFile && options.checkFiles !== false) {
      if (!existsSync(caFile)) problem('caFile', `file not found: ${caFile}`);
      else if (!statSync(caFile).isFile()) problem('caFile', `not a file: ${caFile}`);
    }
    if (caFile && !secure && startTls === false) {
      problem('caFile', 'is only used with ldaps:// or startTls: true — as set, the connection is not encrypted');
    }
  }

  const bindDn = text('bindDn', DEFAULTS.bindDn).trim();
  const bindPassword = text('bindPassword', DEFAULTS.bindPassword);
  if (bindDn && !bindPassword) {
    problem('bindPassword', 'is required with bindDn (a bind with a DN and no password is an unauthenticated bind)');
  }
  if (!bindDn && bindPassword) problem('bindDn', 'is empty but bindPassword is set; give the service account DN');
  if (bindDn && !/[=@\\]/.test(bindDn)) {
    problem('bindDn', `must be a DN like cn=opora,ou=system,dc=example,dc=org (or on AD user@domain) (got ${JSON.stringify(bindDn)})`);
  }

  const dnField = (field: string): string => {
    const value = text(field).trim();
    if (raw[field] !== undefined && !value) problem(field, 'must not be empty');
    else if (value && !value.includes('=')) problem(field, `must be a DN like ou=people,dc=example,dc=org (got ${JSON.stringify(value)})`);
    return value;
  };
  const userSearchBase = dnField('userSearchBase');
  const groupSearchBase = dnField('groupSearchBase');

  const filterField = (field: string, fallback: string | undefined, placeholder: string | undefined): string => {
    const value = text(field, fallback).trim();
    if (!value) return value;
    if (placeholder && !value.includes(placeholder)) {
      problem(field, `must contain ${placeholder} where the value goes, e.g. ${field === 'groupFilter' ? DEFAULT_GROUP_FILTER : DEFAULTS.userFilter}`);
      return value;
    }
    const syntax = filterSyntaxError(placeholder ? value.split(placeholder).join('x') : value);
    if (syntax) problem(field, `is not a valid LDAP filter: ${syntax}`);
    return value;
  };
  const userFilter = filterField('userFilter', DEFAULTS.userFilter, USERNAME_PLACEHOLDER);
  const groupFilter = filterField('groupFilter', DEFAULTS.groupFilter, DN_PLACEHOLDER);
  let listFilter: string | undefined;
  if (raw.listFilter !== undefined && raw.listFilter !== '') {
    listFilter = filterField('listFilter', undefined, undefined);
    if (listFilter.includes(USERNAME_PLACEHOLDER)) problem('listFilter', `lists every user, so it takes no ${USERNAME_PLACEHOLDER}`);
  }

  const attributeField = (field: string, value: unknown, fallback: string): string => {
    const name = value ?? fallback;
    if (typeof name !== 'string' || !ATTRIBUTE_NAME.test(name)) {
      problem(field, `must be an attribute name like ${fallback} (got ${JSON.stringify(name)})`);
      return fallback;
    }
    return name;
  };
  const rawAttributes = raw.attributes ?? {};
  const attrs = (typeof rawAttributes === 'object' && rawAttributes !== null ? rawAttributes : {}) as Record<string, unknown>;
  if (attrs !== rawAttributes) problem('attributes', 'must be an object: { username, displayName, email }');
  for (const key of Object.keys(attrs)) {
    if (!['username', 'displayName', 'email'].includes(key)) problem(`attributes.${key}`, 'unknown (known: username, displayName, email)');
  }
  const attributes: DirectoryAttributes = {
    username: attributeField('attributes.username', attrs.username, DEFAULTS.attributes.username),
    displayName: attributeField('attributes.displayName', attrs.displayName, DEFAULTS.attributes.displayName),
    email: attributeField('attributes.email', attrs.email, DEFAULTS.attributes.email),
  };
  const memberAttribute = attributeField('memberAttribute', raw.memberAttribute, DEFAULTS.memberAttribute);

  const nestedGroups = raw.nestedGroups ?? DEFAULTS.nestedGroups;
  if (!NESTED_GROUPS_MODES.includes(nestedGroups as NestedGroups)) {
    problem('nestedGroups', `must be one of ${NESTED_GROUPS_MODES.join(', ')} (got ${JSON.stringify(nestedGroups)})`);
  }
  // The walk searches with groupFilter, the sync reads memberAttribute: both must mean the same membership.
  const clause = new RegExp(`\\(${memberAttribute}(:[\\d.]+:)?=\\{\\{dn\\}\\}\\)`, 'i');
  if (groupFilter.includes(DN_PLACEHOLDER) && !clause.test(groupFilter)) {
    problem('groupFilter', `needs the clause (${memberAttribute}={{dn}}) so that it matches on memberAttribute "${memberAttribute}"`);
  }

  const timeoutMs = raw.timeoutMs ?? DEFAULTS.timeoutMs;
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < MIN_TIMEOUT_MS || timeoutMs > MAX_TIMEOUT_MS) {
    problem('timeoutMs', `must be a whole number of milliseconds from ${MIN_TIMEOUT_MS} to ${MAX_TIMEOUT_MS} (got ${JSON.stringify(timeoutMs)})`);
  }

  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    config: {
      name,
      url,
      startTls: startTls as boolean,
      ...(caFile ? { caFile } : {}),
      bindDn,
      bindPassword,
      userSearchBase,
      userFilter,
      ...(listFilter ? { listFilter } : {}),
      attributes,
      groupSearchBase,
      groupFilter,
      memberAttribute,
      nestedGroups: nestedGroups as NestedGroups,
      timeoutMs: timeoutMs as number,
    },
  };
}

/** Checks a list of directories: each one, plus names unique (they identify users' origin). */
export function parseDirectoryConfigs(input: unknown, options: { checkFiles?: boolean } = {}): { ok: true; configs: DirectoryConfig[] } | { ok: false; problems: string[] } {
  if (!Array.isArray(input)) return { ok: false, problems: ['directories: must be a list'] };
  const problems: string[] = [];
  const configs: DirectoryConfig[] = [];
  const seen = new Set<string>();
  input.forEach((item, index) => {
    const parsed = parseDirectoryConfig(item, options);
    if (!parsed.ok) {
      problems.push(...parsed.problems.map((p) => (p.startsWith('directory:') ? `directory #${index + 1}${p.slice('directory'.length)}` : p)));
      return;
    }
    const key = parsed.config.name.toLowerCase();
    if (seen.has(key)) problems.push(`directory "${parsed.config.name}": name: used by an earlier directory; names must be unique`);
    seen.add(key);
    configs.push(parsed.config);
  });
  return problems.length ? { ok: false, problems } : { ok: true, configs };
}

/** The filter that lists every user for the sync. */
export function listFilterOf(config: DirectoryConfig): string {
  return config.listFilter ?? everyoneFilter(config.userFilter, USERNAME_PLACEHOLDER);
}

function filterSyntaxError(filter: string): string | undefined {
  if (!filter.startsWith('(') || !filter.endsWith(')')) return 'must be enclosed in parentheses';
  let depth = 0;
  for (const ch of filter.replace(/\\[0-9a-fA-F]{2}/g, '')) {
    if (ch === '(') depth++;
    if (ch === ')' && --depth < 0) return 'a ")" closes nothing';
  }
  if (depth !== 0) return 'parentheses do not balance';
  try {
    FilterParser.parseString(filter);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
