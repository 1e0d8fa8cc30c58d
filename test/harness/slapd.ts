import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'ldapts';
import { freePort } from './free-port';
import { harnessDir, startProcess } from './processes';

/*
 * A throwaway OpenLDAP server for tests: slapd.conf with an mdb database, the seed LDIF loaded
 * offline with slapadd, then `slapd -d 0` (foreground) on free loopback ports through the
 * harness's startProcess, so it is stopped by PID and recorded for teardown. Ready when the
 * admin (rootdn) can bind.
 *
 * With `tls: true` a throwaway CA and a server certificate for 127.0.0.1/localhost are made with
 * openssl, slapd also listens on ldaps://, and STARTTLS works on the ldap:// port. Tests pass the
 * CA file to the client; nothing is added to the system's trust store.
 */

export interface SlapdOptions {
  /** The database suffix; default: the DN of the seed's first entry. */
  baseDn?: string;
  /** Also listen on ldaps:// and offer STARTTLS, with a CA generated for this server. */
  tls?: boolean;
}

export interface SlapdServer {
  url: string; // ldap://127.0.0.1:<port>
  port: number;
  /** Only with `tls: true`. */
  ldapsUrl?: string;
  ldapsPort?: number;
  /** PEM file of the CA that signed the server certificate (only with `tls: true`). */
  caFile?: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  pid: number;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

const SLAPD = process.env.OPORA_SLAPD_BIN ?? '/usr/sbin/slapd';
const SLAPADD = process.env.OPORA_SLAPADD_BIN ?? '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

export async function startSlapd(seed: string, options: SlapdOptions = {}): Promise<SlapdServer> {
  for (const bin of [SLAPD, SLAPADD]) {
    if (!existsSync(bin)) {
      throw new Error(`${bin} is missing. Install OpenLDAP (apt-get install -y slapd ldap-utils; test/run-all.sh does it).`);
    }
  }
  const baseDn = options.baseDn ?? firstDn(seed);
  const adminDn = `cn=admin,${baseDn}`;
  const adminPassword = randomBytes(12).toString('hex');
  const dir = mkdtempSync(join(harnessDir(), 'slapd-'));
  try {
    mkdirSync(join(dir, 'db'));
    const tls = options.tls ? makeCertificates(dir) : undefined;
    const conf = join(dir, 'slapd.conf');
    writeFileSync(conf, slapdConf({ dir, baseDn, adminDn, adminPassword, tls }));
    writeFileSync(join(dir, 'seed.ldif'), seed);
    run(SLAPADD, ['-q', '-f', conf, '-l', join(dir, 'seed.ldif')], dir);

    // The free ports can be taken between probing and binding; then slapd exits and we retry.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const ldapsPort = tls ? await freePort() : undefined;
      const url = `ldap://127.0.0.1:${port}`;
      const ldapsUrl = ldapsPort ? `ldaps://127.0.0.1:${ldapsPort}` : undefined;
      const listen = [`${url}/`, ...(ldapsUrl ? [`${ldapsUrl}/`] : [])].join(' ');
      try {
        const server = await startProcess({
          name: 'slapd',
          command: SLAPD,
          args: ['-f', conf, '-h', listen, '-d', '0'],
          ready: { probe: () => canBind(url, adminDn, adminPassword) },
          cwd: dir,
        });
        return {
          url,
          port,
          ldapsUrl,
          ldapsPort,
          caFile: tls?.caFile,
          baseDn,
          adminDn,
          adminPassword,
          pid: server.pid,
          dir,
          logFile: server.logFile,
          stop: async () => {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      } catch (err) {
        if (attempt < 3 && /Address already in use|errno=98/i.test(String(err))) continue;
        throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

interface TlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

function slapdConf(c: { dir: string; baseDn: string; adminDn: string; adminPassword: string; tls?: TlsFiles }): string {
  const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
  return [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${join(SCHEMA_DIR, `${s}.schema`)}`),
    `modulepath ${MODULE_DIR}`,
    'moduleload back_mdb',
    `pidfile ${join(c.dir, 'slapd.pid')}`,
    `argsfile ${join(c.dir, 'slapd.args')}`,
    ...(c.tls
      ? [
          `TLSCACertificateFile ${c.tls.caFile}`,
          `TLSCertificateFile ${c.tls.certFile}`,
          `TLSCertificateKeyFile ${c.tls.keyFile}`,
        ]
      : []),
    // Like a real directory, plain searches stop at 500 entries for everyone but the rootdn;
    // paged searches (RFC 2696) may go on through everything, as on Active Directory.
    'sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited',
    'database mdb',
    'maxsize 104857600',
    `suffix ${quote(c.baseDn)}`,
    `rootdn ${quote(c.adminDn)}`,
    `rootpw ${c.adminPassword}`,
    `directory ${join(c.dir, 'db')}`,
    'index objectClass,uid,member eq',
    'access to attrs=userPassword by anonymous auth by self write by * none',
    'access to * by * read',
    '',
  ].join('\n');
}

/** A CA and a server certificate for 127.0.0.1 and localhost (EC P-256: generated in milliseconds). */
function makeCertificates(dir: string): TlsFiles {
  const f = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt'), '-days', '2',
    '-subj', '/CN=Opora test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  run('openssl', ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial',
    '-out', f('server.crt'), '-days', '2', '-extfile', f('server.ext')], dir);
  return { caFile: f('ca.crt'), certFile: f('server.crt'), keyFile: f('server.key') };
}

function run(command: string, args: string[], cwd: string): void {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe' });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`${command} ${args[0]} failed: ${(err as Error).message}\n${stderr}`);
  }
}

async function canBind(url: string, dn: string, password: string): Promise<boolean> {
  const client = new Client({ url, connectTimeout: 1_000, timeout: 1_000 });
  try {
    await client.bind(dn, password);
    return true;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

function firstDn(ldif: string): string {
  const match = /^dn: *(.+)$/m.exec(ldif);
  if (!match) throw new Error('startSlapd: the seed LDIF has no "dn:" line to take the base DN from');
  return match[1].trim();
}
