import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Request } from 'express';
import passport from 'passport';
import LdapStrategy from 'passport-ldapauth';
import type { Directory, DirectoryUser } from './directory';
import type { DirectoryChain } from './directory-chain';
import type { DirectoryConfig } from './directory-config';
import { DirectoryError } from './ldap-errors';
import { MAX_PASSWORD_LENGTH, MAX_USERNAME_LENGTH } from './ldapts-directory';

/**
 * Passport strategies for LDAP sign-in. Two are offered; both end in a DirectoryUser on
 * `req.user` and fail with 401 "Invalid username/password" / 400 "Missing credentials".
 *
 * - createLdapauthStrategy: passport-ldapauth (ldapauth-fork on ldapjs) for one directory.
 *   ldapjs does the password check; groups are the direct ones unless a Directory is given to
 *   resolve nesting. ldap:// and ldaps:// only — not STARTTLS (see ldapauthServerOptions).
 *   ldapjs is unmaintained: this stays as the design's named strategy.
 * - DirectoryStrategy: passport in front of our own Directory / DirectoryChain (ldapts): several
 *   directories in order, nested groups, the length limits, typed errors. Prefer this one.
 */

/** The `server:` block for passport-ldapauth (its options must go inside `server`, not flat). */
export function ldapauthServerOptions(config: DirectoryConfig): LdapStrategy.Options['server'] {
  if (config.startTls) {
    // ldapjs 2.3.3 does not hold back requests while STARTTLS negotiates, and ldapauth-fork sends
    // the service bind at once: the server sees LDAP inside the TLS handshake and drops the
    // connection (tested against slapd). ldapauth-fork also goes on in plaintext when STARTTLS
    // fails (vesse/node-ldapauth-fork#94). Refuse rather than risk a cleartext password.
    throw new Error(
      `directory "${config.name}": passport-ldapauth cannot be used with STARTTLS; use ldaps:// or DirectoryStrategy (ldapts)`,
    );
  }
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  const secure = config.url.startsWith('ldaps:');
  const { username, displayName, email } = config.attributes;
  return {
    url: config.url,
    ...(config.bindDn ? { bindDN: config.bindDn, bindCredentials: config.bindPassword } : {}),
    searchBase: config.userSearchBase,
    searchFilter: config.userFilter, // same {{username}} placeholder; ldapauth-fork escapes the value
    searchScope: 'sub',
    searchAttributes: [...new Set([username, displayName, email])],
    groupSearchBase: config.groupSearchBase,
    groupSearchFilter: config.groupFilter, // same {{dn}} placeholder
    groupSearchScope: 'sub',
    groupSearchAttributes: ['dn'],
    ...(secure
      ? {
          tlsOptions: {
            host,
            ...(isIP(host) === 0 ? { servername: host } : {}),
            ...(config.caFile ? { ca: [readFileSync(config.caFile)] } : {}),
          },
        }
      : {}),
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    reconnect: false,
  };
}

export interface LdapauthStrategyOptions {
  /** Resolve nested groups through this directory (its groupsOf) instead of keeping direct groups only. */
  groups?: Pick<Directory, 'groupsOf'>;
  /** Passport name; default `ldap:<directory name>`. */
  name?: string;
}

/** passport-ldapauth for one directory; `req.user` becomes a DirectoryUser. */
export function createLdapauthStrategy(config: DirectoryConfig, options: LdapauthStrategyOptions = {}): LdapStrategy {
  const { username, displayName, email } = config.attributes;
  const strategy = new LdapStrategy(
    { server: ldapauthServerOptions(config), usernameField: 'username', passwordField: 'password' },
    (ldapUser: Record<string, unknown>, done: LdapStrategy.VerifyDoneCallback) => {
      const text = (attribute: string): string => {
        const key = Object.keys(ldapUser).find((k) => k.toLowerCase() === attribute.toLowerCase());
        const value = key === undefined ? undefined : ldapUser[key];
        return String(Array.isArray(value) ? (value[0] ?? '') : (value ?? ''));
      };
      const dn = String(ldapUser.dn);
      const direct = Array.isArray(ldapUser._groups) ? (ldapUser._groups as Array<{ dn: string }>).map((g) => g.dn) : [];
      const user = (groups: string[]): DirectoryUser => ({
        directory: config.name,
        dn,
        username: text(username),
        displayName: text(displayName) || text(username),
        email: text(email) || null,
        groups,
      });
      if (!options.groups) return done(null, user(direct));
      options.groups.groupsOf(dn).then(
        (groups) => done(null, user(groups)),
        (err: unknown) => done(err),
      );
    },
  );
  strategy.name = options.name ?? `ldap:${config.name}`;
  return strategy;
}

/**
 * Passport in front of a Directory or DirectoryChain. Reads `username` and `password` from the
 * body. Refused credentials → fail 401; missing → fail 400; a directory that cannot answer →
 * `error(DirectoryError)` (code `unavailable` / `misconfigured`, for the page to explain).
 */
export class DirectoryStrategy extends passport.Strategy {
  override name: string;

  constructor(
    private readonly directory: Pick<Directory | DirectoryChain, 'authenticate'>,
    name = 'ldap',
  ) {
    super();
    this.name = name;
  }

  override authenticate(req: Request): void {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username : '';
    const password = typeof body.password === 'string' ? body.password : '';
    if (!username.trim() || !password) return this.fail({ message: 'Missing credentials' }, 400);
    if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
      return this.fail({ message: 'Invalid username/password' }, 401);
    }
    this.directory.authenticate(username, password).then(
      (user) => this.success(user),
      (err: unknown) => {
        if (err instanceof DirectoryError && err.code === 'invalid_credentials') {
          return this.fail({ message: 'Invalid username/password' }, 401);
        }
        return this.error(err);
      },
    );
  }
}
