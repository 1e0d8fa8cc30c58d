import type { Directory, DirectoryTestReport, DirectoryTestStep, DirectoryTestStepName, DirectoryUser } from './directory';
import { listFilterOf, type DirectoryConfig } from './directory-config';
import { openLdaptsConnection, type ConnectionFactory, type LdapConnection, type LdapEntry, type LdapSearch } from './ldap-connection';
import { dnKey } from './ldap-dn';
import { DirectoryError, invalidCredentials, ldapResultCode, toDirectoryError, type DirectoryStep } from './ldap-errors';
import { DN_PLACEHOLDER, USERNAME_PLACEHOLDER, anyOfFilter, everyoneFilter, fillFilter, inChainFilter } from './ldap-filter';

export const MAX_USERNAME_LENGTH = 256;
export const MAX_PASSWORD_LENGTH = 1024;
/** Nesting deeper than this is not followed (real directories stay within a handful of levels). */
export const MAX_GROUP_DEPTH = 10;
/** Paged-search page size; AD's default MaxPageSize is 1,000. */
export const PAGE_SIZE = 500;
/** DNs per OR-filter when walking nested groups one level at a time. */
export const WALK_BATCH = 50;
/** Safety stop for ranged attribute retrieval: 10,000 × 1,500 values is far beyond any real group. */
const MAX_RANGE_ROUNDS = 10_000;
const SIZE_LIMIT_EXCEEDED = 4;
/** Group DNs named in a test report's groups step; the rest are counted. */
const REPORT_GROUPS = 50;
/** Ask for DNs only. */
const NO_ATTRIBUTES = ['1.1'];

/**
 * Directory on ldapts. Passwords are checked here: search the user as the service account, then
 * bind as the user's DN on a connection of its own (so the service connection never changes
 * identity). Referrals are never followed. Empty passwords and over-long input never reach the server.
 */
export class LdaptsDirectory implements Directory {
  readonly name: string;

  constructor(
    private readonly config: DirectoryConfig,
    private readonly connect: ConnectionFactory = openLdaptsConnection,
  ) {
    this.name = config.name;
  }

  async authenticate(username: string, password: string): Promise<DirectoryUser> {
    const name = typeof username === 'string' ? username.trim() : '';
    if (!name) throw invalidCredentials(this.name, 'rejected_input', 'empty user name');
    if (typeof password !== 'string' || password === '') throw invalidCredentials(this.name, 'rejected_input', 'empty password');
    if (name.length > MAX_USERNAME_LENGTH) throw invalidCredentials(this.name, 'rejected_input', 'user name too long');
    if (password.length > MAX_PASSWORD_LENGTH) throw invalidCredentials(this.name, 'rejected_input', 'password too long');

    return this.withServiceConnection(async (conn) => {
      const entry = await this.lookup(conn, name);
      if (!entry) throw invalidCredentials(this.name, 'unknown_user');
      await this.checkPassword(entry.dn, password);
      const groups = await this.step('groups', () => this.resolveGroups(conn, entry.dn));
      return this.toUser(entry, groups, name);
    });
  }

  async findUser(username: string): Promise<DirectoryUser | null> {
    const name = username.trim();
    if (!name || name.length > MAX_USERNAME_LENGTH) return null;
    return this.withServiceConnection(async (conn) => {
      const entry = await this.lookup(conn, name);
      if (!entry) return null;
      const groups = await this.step('groups', () => this.resolveGroups(conn, entry.dn));
      return this.toUser(entry, groups, name);
    });
  }

  async groupsOf(dn: string): Promise<string[]> {
    return this.withServiceConnection((conn) => this.step('groups', () => this.resolveGroups(conn, dn)));
  }

  async membersOf(groupDn: string): Promise<string[]> {
    return this.withServiceConnection((conn) =>
      this.step('groups', async () => {
        const [entry] = await conn.search(this.baseRead(groupDn, [this.config.memberAttribute]));
        return entry ? this.collectMembers(conn, entry) : [];
      }),
    );
  }

  /**
   * Every user, for the sync. Nested groups are resolved from one listing of all groups (with
   * their members) instead of one walk per user: a few paged searches in total.
   */
  async listUsers(): Promise<DirectoryUser[]> {
    return this.withServiceConnection(async (conn) => {
      const entries = await this.step('search', () =>
        this.searchAll(conn, {
          base: this.config.userSearchBase,
          scope: 'sub',
          filter: listFilterOf(this.config),
          attributes: this.userAttributes(),
        }),
      );
      const parents = await this.step('groups', () => this.membershipIndex(conn));
      const users: DirectoryUser[] = [];
      for (const entry of entries) {
        const username = first(entry, this.config.attributes.username);
        if (!username) continue; // not a person we can sign in
        users.push(this.toUser(entry, closure(dnKey(entry.dn), parents, this.config.nestedGroups !== 'none'), username));
      }
      return users;
    });
  }

  async test(username?: string): Promise<DirectoryTestReport> {
    const name = username?.trim().slice(0, MAX_USERNAME_LENGTH) || undefined;
    const steps: DirectoryTestStep[] = [];
    const report: DirectoryTestReport = { directory: this.name, url: this.config.url, ok: false, steps };
    const record = async <T>(step: DirectoryTestStepName, work: () => Promise<{ value: T; message: string; ok?: boolean }>) => {
      const started = Date.now();
      try {
        const { value, message, ok = true } = await work();
        steps.push({ step, status: ok ? 'ok' : 'failed', message, ms: Date.now() - started });
        return ok ? value : undefined;
      } catch (err) {
        const error = toDirectoryError(err, this.name, step);
        steps.push({ step, status: 'failed', message: error.serverMessage ?? error.message, ms: Date.now() - started });
        return undefined;
      }
    };
    const skip = (step: DirectoryTestStepName, message: string) => steps.push({ step, status: 'skipped', message, ms: 0 });

    let conn: LdapConnection | undefined;
    try {
      conn = await record('bind', async () => {
        const c = await this.open();
        await this.serviceBind(c).catch(async (err) => {
          await c.close();
          throw err;
        });
        const how = this.config.bindDn ? `bound as ${this.config.bindDn}` : 'connected (anonymous search, no bindDn)';
        return { value: c, message: `${how} to ${this.config.url}${this.config.startTls ? ' with STARTTLS' : ''}` };
      });
      if (!conn) {
        skip('search', 'not run: bind failed');
        skip('groups', 'not run: bind failed');
        return report;
      }
      const c = conn;
      if (name) {
        const entry = await record('search', async () => {
          const found = await this.lookup(c, name);
          return found
            ? { value: found, message: `found ${found.dn} (${this.describe(found, name)})` }
            : {
                value: null,
                ok: false,
                message: `no entry under ${this.config.userSearchBase} matches ${fillFilter(this.config.userFilter, USERNAME_PLACEHOLDER, name)}`,
              };
        });
        if (!entry) {
          skip('groups', 'not run: no user found');
        } else {
          const groups = await record('groups', async () => {
            const dns = await this.resolveGroups(c, entry.dn);
            const shown = dns.slice(0, REPORT_GROUPS).join('; ') + (dns.length > REPORT_GROUPS ? `; … and ${dns.length - REPORT_GROUPS} more` : '');
            return { value: dns, message: `${dns.length} group(s) (nesting: ${this.config.nestedGroups})${dns.length ? `: ${shown}` : ''}` };
          });
          if (groups) report.user = this.toUser(entry, groups, name);
        }
      } else {
        await record('search', async () => {
          const some = await this.anyMatch(c, this.config.userSearchBase, listFilterOf(this.config));
          return {
            value: some,
            ok: some,
            message: some
              ? `${this.config.userSearchBase} has users matching ${listFilterOf(this.config)}`
              : `no entry under ${this.config.userSearchBase} matches ${listFilterOf(this.config)}`,
          };
        });
        await record('groups', async () => {
          const filter = everyoneFilter(this.config.groupFilter, DN_PLACEHOLDER);
          const some = await this.anyMatch(c, this.config.groupSearchBase, filter);
          return {
            value: some,
            ok: some,
            message: some
              ? `${this.config.groupSearchBase} has groups matching ${filter}`
              : `no entry under ${this.config.groupSearchBase} matches ${filter}`,
          };
        });
      }
    } finally {
      await conn?.close();
    }
    report.ok = steps.every((s) => s.status !== 'failed');
    return report;
  }

  // --- the conversation with the server -------------------------------------------------------

  private async open(): Promise<LdapConnection> {
    return this.connect(this.config).catch((err: unknown) => {
      throw toDirectoryError(err, this.name, 'connect');
    });
  }

  private async serviceBind(conn: LdapConnection): Promise<void> {
    if (!this.config.bindDn) return; // anonymous search, as configured
    await this.step('bind', () => conn.bind(this.config.bindDn, this.config.bindPassword));
  }

  private async withServiceConnection<T>(work: (conn: LdapConnection) => Promise<T>): Promise<T> {
    const conn = await this.open();
    try {
      await this.serviceBind(conn);
      return await work(conn);
    } finally {
      await conn.close();
    }
  }

  /** Binds as the user on a fresh connection: the only way to check a password the server holds. */
  private async checkPassword(dn: string, password: string): Promise<void> {
    if (!dn) throw invalidCredentials(this.name, 'unknown_user'); // an empty DN would be an anonymous bind
    const conn = await this.connect(this.config).catch((err: unknown) => {
      throw toDirectoryError(err, this.name, 'user-bind');
    });
    try {
      await this.step('user-bind', () => conn.bind(dn, password));
    } finally {
      await conn.close();
    }
  }

  private async step<T>(step: DirectoryStep, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw toDirectoryError(err, this.name, step);
    }
  }

  /** The one entry the user filter finds for this name; null if none; refuses if several. */
  private async lookup(conn: LdapConnection, username: string): Promise<LdapEntry | null> {
    const filter = fillFilter(this.config.userFilter, USERNAME_PLACEHOLDER, username);
    const request: LdapSearch = {
      base: this.config.userSearchBase,
      scope: 'sub',
      filter,
      attributes: this.userAttributes(),
      sizeLimit: 2,
    };
    let entries: LdapEntry[];
    try {
      entries = await conn.search(request);
    } catch (err) {
      if (ldapResultCode(err) !== SIZE_LIMIT_EXCEEDED) throw toDirectoryError(err, this.name, 'search');
      entries = [{ dn: '' }, { dn: '' }]; // more than the two we asked for
    }
    if (entries.length > 1) {
      throw new DirectoryError('invalid_credentials', `${this.name}: ${filter} matches more than one entry; refusing to guess`, {
        directory: this.name,
        step: 'search',
        reason: 'ambiguous_user',
      });
    }
    return entries[0] ?? null;
  }

  private async anyMatch(conn: LdapConnection, base: string, filter: string): Promise<boolean> {
    try {
      return (await conn.search({ base, scope: 'sub', filter, attributes: NO_ATTRIBUTES, sizeLimit: 1 })).length > 0;
    } catch (err) {
      if (ldapResultCode(err) === SIZE_LIMIT_EXCEEDED) return true;
      throw err;
    }
  }

  private async searchAll(conn: LdapConnection, request: LdapSearch): Promise<LdapEntry[]> {
    const all: LdapEntry[] = [];
    for await (const page of conn.searchPages(request, PAGE_SIZE)) all.push(...page);
    return all;
  }

  /** Group DNs containing `dn`, resolved per the nesting mode. */
  private async resolveGroups(conn: LdapConnection, dn: string): Promise<string[]> {
    const { groupSearchBase: base, groupFilter } = this.config;
    switch (this.config.nestedGroups) {
      case 'ad-matching-rule': {
        const filter = fillFilter(inChainFilter(groupFilter), DN_PLACEHOLDER, dn);
        return uniqueDns((await this.searchAll(conn, { base, scope: 'sub', filter, attributes: NO_ATTRIBUTES })).map((e) => e.dn));
      }
      case 'none':
        return this.directParents(conn, [dn]);
      case 'walk':
        return walkGroups(dn, (dns) => this.directParents(conn, dns));
    }
  }

  /** The groups that directly contain any of these DNs (one search per WALK_BATCH DNs). */
  private async directParents(conn: LdapConnection, dns: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (let i = 0; i < dns.length; i += WALK_BATCH) {
      const filter = anyOfFilter(this.config.groupFilter, DN_PLACEHOLDER, dns.slice(i, i + WALK_BATCH));
      const entries = await this.searchAll(conn, { base: this.config.groupSearchBase, scope: 'sub', filter, attributes: NO_ATTRIBUTES });
      found.push(...entries.map((e) => e.dn));
    }
    return uniqueDns(found);
  }

  /** member DN key → DNs of the groups listing it, from one paged listing of every group. */
  private async membershipIndex(conn: LdapConnection): Promise<Map<string, string[]>> {
    const parents = new Map<string, string[]>();
    const groups = await this.searchAll(conn, {
      base: this.config.groupSearchBase,
      scope: 'sub',
      filter: everyoneFilter(this.config.groupFilter, DN_PLACEHOLDER),
      attributes: [this.config.memberAttribute],
    });
    for (const group of groups) {
      for (const member of await this.collectMembers(conn, group)) {
        const key = dnKey(member);
        const list = parents.get(key);
        if (list) list.push(group.dn);
        else parents.set(key, [group.dn]);
      }
    }
    return parents;
  }

  /**
   * All values of the member attribute of a group entry already read. Active Directory returns at
   * most 1,500 values (MaxValRange) as `member;range=0-1499` and wants the rest asked for as
   * `member;range=1500-*`, and so on, until a range ends in `*`. Servers without ranges (slapd)
   * return plain `member` with everything.
   */
  private async collectMembers(conn: LdapConnection, entry: LdapEntry): Promise<string[]> {
    const attribute = this.config.memberAttribute;
    let range = rangedValues(entry, attribute);
    if (!range) return values(entry, attribute);
    const members = [...range.values];
    for (let round = 0; round < MAX_RANGE_ROUNDS && range.end !== '*'; round++) {
      const next = range.end + 1;
      const [more] = await conn.search(this.baseRead(entry.dn, [`${attribute};range=${next}-*`]));
      const following = more ? rangedValues(more, attribute) : undefined;
      if (!following || following.start !== next) break; // nothing more, or the server went backwards
      members.push(...following.values);
      range = following;
    }
    return members;
  }

  private baseRead(dn: string, attributes: string[]): LdapSearch {
    return { base: dn, scope: 'base', filter: '(objectClass=*)', attributes };
  }

  private userAttributes(): string[] {
    const { username, displayName, email } = this.config.attributes;
    return [...new Set([username, displayName, email])];
  }

  private toUser(entry: LdapEntry, groups: string[], typed: string): DirectoryUser {
    const { attributes } = this.config;
    const names = values(entry, attributes.username);
    const username = names.find((n) => n.toLowerCase() === typed.toLowerCase()) ?? names[0] ?? typed;
    return {
      directory: this.name,
      dn: entry.dn,
      username,
      displayName: first(entry, attributes.displayName) || username,
      email: first(entry, attributes.email) || null,
      groups,
    };
  }

  private describe(entry: LdapEntry, typed: string): string {
    const user = this.toUser(entry, [], typed);
    return [`username ${user.username}`, user.displayName, user.email ?? 'no e-mail'].join(', ');
  }
}

// --- pure helpers (exported for the unit tests) -------------------------------------------------

/**
 * Nested groups by walking up one level at a time: the groups containing `dn`, then the groups
 * containing those, … A visited set stops cycles (A ⊃ B ⊃ A); nesting deeper than MAX_GROUP_DEPTH
 * is not followed. Each group appears once, in the order found.
 */
export async function walkGroups(
  dn: string,
  parentsOf: (dns: string[]) => Promise<string[]>,
  maxDepth = MAX_GROUP_DEPTH,
): Promise<string[]> {
  const seen = new Set([dnKey(dn)]);
  const found: string[] = [];
  let frontier = [dn];
  for (let depth = 0; depth < maxDepth && frontier.length; depth++) {
    const next: string[] = [];
    for (const group of await parentsOf(frontier)) {
      const key = dnKey(group);
      if (seen.has(key)) continue;
      seen.add(key);
      found.push(group);
      next.push(group);
    }
    frontier = next;
  }
  return found;
}

/** The same walk over an in-memory index (member key → parent group DNs), used by the sync. */
export function closure(startKey: string, parents: ReadonlyMap<string, readonly string[]>, nested: boolean, maxDepth = MAX_GROUP_DEPTH): string[] {
  const seen = new Set([startKey]);
  const found: string[] = [];
  let frontier = [startKey];
  for (let depth = 0; depth < (nested ? maxDepth : 1) && frontier.length; depth++) {
    const next: string[] = [];
    for (const key of frontier) {
      for (const group of parents.get(key) ?? []) {
        const groupKey = dnKey(group);
        if (seen.has(groupKey)) continue;
        seen.add(groupKey);
        found.push(group);
        next.push(groupKey);
      }
    }
    frontier = next;
  }
  return found;
}

export interface RangedValues {
  start: number;
  end: number | '*';
  values: string[];
}

/** The `attr;range=<start>-<end>` attribute of an entry, if the server used one. */
export function rangedValues(entry: LdapEntry, attribute: string): RangedValues | undefined {
  const pattern = new RegExp(`^${attribute.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')};range=(\\d+)-(\\d+|\\*)$`, 'i');
  for (const [key, value] of Object.entries(entry)) {
    const match = pattern.exec(key);
    if (!match) continue;
    return {
      start: Number(match[1]),
      end: match[2] === '*' ? '*' : Number(match[2]),
      values: Array.isArray(value) ? value : [value],
    };
  }
  return undefined;
}

/** Values of an attribute, whatever case the server wrote its name in. */
export function values(entry: LdapEntry, attribute: string): string[] {
  const wanted = attribute.toLowerCase();
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'dn' && key.toLowerCase() === wanted) return Array.isArray(value) ? value : [value];
  }
  return [];
}

function first(entry: LdapEntry, attribute: string): string {
  return values(entry, attribute)[0] ?? '';
}

function uniqueDns(dns: string[]): string[] {
  const seen = new Set<string>();
  return dns.filter((dn) => {
    const key = dnKey(dn);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
