import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';

/*
 * The raw rate the mail intake is compared with: imapflow fetching a mailbox a hundred messages a
 * round trip, as the poller fetches, and mailparser parsing each, with no database. Imports
 * nothing of Opora, so run as its own process it measures the libraries as anyone installs them.
 */

/** Messages a fetch round trip, as the poller fetches them. */
const RAW_BATCH = 100;

export async function rawRate(port: number, count: number, user: string, password: string): Promise<number> {
  const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  const started = process.hrtime.bigint();
  try {
    const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b);
    for (let at = 0; at < uids.length; at += RAW_BATCH) {
      const sources: Buffer[] = [];
      for await (const message of client.fetch(uids.slice(at, at + RAW_BATCH).join(','), { uid: true, source: true }, { uid: true })) if (message.source) sources.push(message.source);
      for (const source of sources) await simpleParser(source);
    }
  } finally {
    lock.release();
    await client.logout();
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** The raw rate measured by a process of its own (this file run as a script). */
export async function rawRateApart(port: number, count: number, user: string, password: string): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, [__filename, String(port), String(count), user, password]);
  return Number(stdout.trim());
}

if (require.main === module) {
  const [port, count, user, password] = process.argv.slice(2);
  rawRate(Number(port), Number(count), user!, password!).then(
    (rate) => process.stdout.write(`${rate}\n`),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack}\n`);
      process.exit(1);
    },
  );
}
