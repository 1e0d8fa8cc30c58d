import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { freePort } from './free-port';
import { harnessDir, startProcess } from './processes';

/*
 * A throwaway Dovecot (IMAP only, plain text on loopback) for mail intake tests: maildirs in a
 * temp dir, users in a passwd-file, the master in the foreground through the harness's
 * startProcess (stopped by PID). Ready when a user can log in. Mail is put in with
 * `doveadm save`, as a local delivery would; tests may also APPEND through IMAP.
 */

export interface DovecotServer {
  port: number;
  host: string;
  /** Puts a raw message into a user's folder (default INBOX), as a new unread message. */
  deliver(user: string, raw: string | Buffer, folder?: string): void;
  /**
   * Drops many messages straight into a user's maildir (as a local delivery agent would), far
   * faster than `deliver` one by one; the user must have logged in once (the maildir exists).
   */
  deliverMany(user: string, messages: Iterable<string | Buffer>): number;
  /** Stops the server and removes its files. */
  stop(): Promise<void>;
  dir: string;
  pid: number;
}

const DOVECOT = process.env.OPORA_DOVECOT_BIN ?? '/usr/sbin/dovecot';
const DOVEADM = process.env.OPORA_DOVEADM_BIN ?? '/usr/bin/doveadm';

export interface DovecotOptions {
  /** Also take XOAUTH2 / OAUTHBEARER sign-ins, checking each token at this introspection URL (RFC 7662, POST). */
  oauthIntrospectionUrl?: string;
}

export async function startDovecot(users: Array<{ user: string; password: string }>, options: DovecotOptions = {}): Promise<DovecotServer> {
  for (const bin of [DOVECOT, DOVEADM]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing. Install Dovecot (apt-get install -y dovecot-imapd; test/run-all.sh does it).`);
  }
  const dir = mkdtempSync(join(harnessDir(), 'dovecot-'));
  chmodSync(dir, 0o755); // doveadm and the mail processes must traverse it
  for (const sub of ['mail', 'run', 'state']) mkdirSync(join(dir, sub));
  const owner = mailOwner();
  chownSync(join(dir, 'mail'), owner.uid, owner.gid);
  writeFileSync(join(dir, 'users'), users.map(({ user, password }) => `${user}:{PLAIN}${password}\n`).join(''));
  const conf = join(dir, 'dovecot.conf');
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      writeFileSync(conf, dovecotConf(dir, port, owner.name, options));
      try {
        const first = users[0]!;
        const server = await startProcess({
          name: 'dovecot',
          command: DOVECOT,
          args: ['-F', '-c', conf],
          ready: { probe: () => canLogIn(port, first.user, first.password) },
          cwd: dir,
        });
        return {
          port,
          host: '127.0.0.1',
          dir,
          pid: server.pid,
          deliver(user, raw, folder = 'INBOX') {
            execFileSync(DOVEADM, ['-c', conf, 'save', '-u', user, '-m', folder], { input: raw, stdio: ['pipe', 'ignore', 'pipe'] });
          },
          deliverMany(user, messages) {
            const fresh = join(dir, 'mail', user, 'new');
            mkdirSync(fresh, { recursive: true });
            let count = 0;
            for (const raw of messages) {
              const file = join(fresh, `${Date.now()}.M${count}P${process.pid}.opora`);
              writeFileSync(file, raw);
              chownSync(file, owner.uid, owner.gid);
              count += 1;
            }
            return count;
          },
          stop: async () => {
            await server.stop();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      } catch (err) {
        if (attempt < 3 && /Address already in use/i.test(String(err))) continue;
        throw err;
      }
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The system user mail belongs to: `dovecot` where it exists (Debian), else whoever runs the tests. */
function mailOwner(): { name: string; uid: number; gid: number } {
  try {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'dovecot'], { encoding: 'utf8' }).trim()));
    return { name: 'dovecot', uid: uid!, gid: gid! };
  } catch {
    const me = userInfo();
    return { name: me.username, uid: me.uid, gid: me.gid };
  }
}

function dovecotConf(dir: string, port: number, owner: string, options: DovecotOptions): string {
  const oauth = options.oauthIntrospectionUrl
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
`
    : '';
  if (options.oauthIntrospectionUrl) {
    writeFileSync(join(dir, 'oauth2.conf.ext'), `introspection_url = ${options.oauthIntrospectionUrl}\nintrospection_mode = post\nusername_attribute = username\nactive_attribute = active\nactive_value = true\n`);
  }
  return `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${options.oauthIntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
first_valid_uid = 1
mail_uid = ${owner}
mail_gid = ${owner}
mail_location = maildir:${dir}/mail/%u
${oauth}passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = home=${dir}/mail/%u
}
namespace inbox {
  inbox = yes
  mailbox Processed {
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
}

async function canLogIn(port: number, user: string, pass: string): Promise<boolean> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass }, logger: false });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } finally {
    await client.logout().catch(() => client.close());
  }
}
