import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import type { DirectoryConfig } from './directory-config';
import { DirectoryError } from './ldap-errors';

/**
 * The few LDAP operations the directory needs, over one connection. LdaptsDirectory is written
 * against this, so its logic (nesting, ranges, paging) is unit-tested with a fake, and the client
 * library appears only in openLdaptsConnection below.
 */

/** An entry as read: attribute values are strings (UTF-8) or lists of them. Names as the server spells them. */
export interface LdapEntry {
  dn: string;
  [attribute: string]: string | string[];
}

export interface LdapSearch {
  base: string;
  scope: 'base' | 'one' | 'sub';
  filter: string;
  attributes: string[];
  sizeLimit?: number;
}

export interface LdapConnection {
  /** Simple bind. Callers never pass an empty password (that would be an anonymous bind). */
  bind(dn: string, password: string): Promise<void>;
  /** Entries only: referrals (search references) are not followed and are dropped. */
  search(request: LdapSearch): Promise<LdapEntry[]>;
  /** The same with the paged-results control (RFC 2696), one array per page. */
  searchPages(request: LdapSearch, pageSize: number): AsyncIterable<LdapEntry[]>;
  close(): Promise<void>;
}

/** Opens a connection (TLS negotiated if configured), not yet bound. */
export type ConnectionFactory = (config: DirectoryConfig) => Promise<LdapConnection>;

export const openLdaptsConnection: ConnectionFactory = async (config) => {
  const tls = tlsOptions(config);
  const client = new Client({
    url: config.url,
    timeout: config.timeoutMs,
    connectTimeout: config.timeoutMs,
    ...(config.url.startsWith('ldaps:') ? { tlsOptions: tls } : {}),
  });
  if (config.startTls) {
    try {
      await client.startTLS(tls);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw err;
    }
  }
  return new LdaptsConnection(client);
};

class LdaptsConnection implements LdapConnection {
  constructor(private readonly client: Client) {}

  async bind(dn: string, password: string): Promise<void> {
    if (!dn || !password) throw new Error('refusing an LDAP bind without a DN or a password'); // last line of defence
    await this.client.bind(dn, password);
  }

  async search(request: LdapSearch): Promise<LdapEntry[]> {
    const result = await this.client.search(request.base, {
      scope: request.scope,
      filter: request.filter,
      attributes: request.attributes,
      sizeLimit: request.sizeLimit ?? 0,
      derefAliases: 'never',
    });
    return result.searchEntries.map(toEntry);
  }

  async *searchPages(request: LdapSearch, pageSize: number): AsyncIterable<LdapEntry[]> {
    const pages = this.client.searchPaginated(request.base, {
      scope: request.scope,
      filter: request.filter,
      attributes: request.attributes,
      derefAliases: 'never',
      paged: { pageSize },
    });
    for await (const page of pages) yield page.searchEntries.map(toEntry);
  }

  async close(): Promise<void> {
    await this.client.unbind().catch(() => undefined);
  }
}

function toEntry(entry: { dn: string; [key: string]: Buffer | Buffer[] | string[] | string }): LdapEntry {
  const out: LdapEntry = { dn: entry.dn };
  for (const [key, value] of Object.entries(entry)) {
    if (key === 'dn') continue;
    const values = Array.isArray(value) ? value : [value];
    const strings = values.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
    out[key] = strings.length === 1 ? strings[0] : strings;
  }
  return out;
}

/** CA file and server name checking for ldaps:// and STARTTLS. */
function tlsOptions(config: DirectoryConfig): ConnectionOptions {
  const host = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
  const options: ConnectionOptions = { host, minVersion: 'TLSv1.2' };
  // SNI carries names only; for an IP address the certificate's IP SAN is checked against `host`.
  if (isIP(host) === 0) options.servername = host;
  if (config.caFile) {
    try {
      options.ca = [readFileSync(config.caFile)];
    } catch (err) {
      throw new DirectoryError('misconfigured', `${config.name}: caFile: cannot read ${config.caFile}: ${(err as Error).message}`, {
        directory: config.name,
        step: 'connect',
        serverMessage: (err as Error).message,
      });
    }
  }
  return options;
}
