import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { start } from '../src/kernel/boot/start';
import { MailboxPoller } from '../src/email/mailbox-poller';
import { MailboxService } from '../src/email/mailbox.service';
import { AuthService } from '../src/identity/auth.service';
import { WorkGroupService } from '../src/identity/groups/work-group.service';
import { UserAdminService } from '../src/identity/user-admin.service';
import { startDovecot } from '../test/harness/dovecot';
import { createDatabase, startPostgres } from '../test/harness/postgres';
import { cpuSpent, type CpuSpent } from './measure';
import { rawRate, rawRateApart } from './mail-raw';

/*
 * Mail intake throughput: a Dovecot mailbox of BENCH_MESSAGES (5,000) varied messages read into
 * tickets by the real poller, against the raw rate of the same fetch (imapflow, batches of 100 as
 * the poller's) and parse (mailparser) with no database at all (mail-raw.ts); then as many again
 * for a default group that assigns in turn. Then one message with a 25 MB attachment, with the
 * process's memory sampled while it is taken.
 */

const BOX = 'bench@desk.example';
const PASSWORD = 'bench imap secret';

function varied(i: number): string {
  const kinds = [
    () => `Content-Type: text/plain; charset=utf-8\r\n\r\nПринтер ${i} не печатает, ошибка ${i % 97}.\r\n`,
    () => `Content-Type: text/html; charset=utf-8\r\n\r\n<p>Письмо <b>${i}</b> в HTML</p><blockquote type="cite">старое</blockquote>\r\n`,
    () => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nВложение ${i}\r\n--b${i}\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="act-${i}.pdf"\r\n\r\n${Buffer.alloc(30_000, i % 251).toString('base64').replace(/(.{76})/g, '$1\r\n')}\r\n--b${i}--\r\n`,
    () => `Content-Type: text/plain; charset=koi8-r\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from('Текст', 'latin1').toString('base64')}\r\n`,
  ];
  return `From: sender${i % 400}@client${i % 30}.example\r\nTo: ${BOX}\r\nSubject: Заявка ${i}\r\nMessage-ID: <bench-${i}@client.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\nMIME-Version: 1.0\r\n${kinds[i % kinds.length]!()}`;
}

export async function benchMailIntake(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string[]> {
  const count = Number(process.env.BENCH_MESSAGES ?? 5000);
  const pg = await startPostgres();
  const dovecot = await startDovecot([{ user: BOX, password: PASSWORD }]);
  const dataDir = mkdtempSync(join(tmpdir(), 'opora-bench-mail-'));
  const app = await start({ PATH: process.env.PATH, LOG__LEVEL: 'warn', CONFIG_DIR: join(tmpdir(), 'opora-no-config'), DATA_DIR: dataDir, DATABASE_URL: await createDatabase(pg.url, 'opora_mail_bench'), PORT: '0', HOST: '127.0.0.1', MAIL__INTAKE_POLL_SECONDS: '0', MAIL__POLL_SECONDS: '3600' });
  try {
    await app.boot.database.connect();
    const mailboxId = await app.app.get(MailboxService).create({ name: 'Bench', address: BOX, host: '127.0.0.1', port: dovecot.port, security: 'none', username: BOX, secret: PASSWORD });
    const poller = app.app.get(MailboxPoller);
    await poller.poll(mailboxId); // starts the mailbox here (and creates the maildir)
    dovecot.deliverMany(BOX, Array.from({ length: count }, (_, i) => varied(i)));
    log(`${count} messages in the mailbox; raw fetch + parse…`);
    // The libraries as installed (a process of their own), and in this process, where the
    // intake's change to mailparser's HTML conversion (html-to-text-converters.ts) applies.
    const rawApart = await cpuSpent(() => rawRateApart(dovecot.port, count, BOX, PASSWORD));
    const raw = rawApart.result;
    const rawHere = await rawRate(dovecot.port, count, BOX, PASSWORD);
    log(`raw: ${raw.toFixed(0)} messages/s (${rawHere.toFixed(0)} with the intake's HTML conversion); intake…`);
    // Where the CPU went: the intake is bound by the machine's cores, not by waiting.
    const spentOn: Array<{ label: string; spent: CpuSpent<unknown> }> = [{ label: 'raw (a process of its own; its start-up counted)', spent: rawApart }];
    const intakeRate = async () => {
      const spent = await cpuSpent(() => poller.poll(mailboxId));
      const report = spent.result;
      if (!report || report.error || report.fetched !== count) throw new Error(`intake read ${report?.fetched} of ${count}: ${report?.error}`);
      spentOn.push({ label: spentOn.length === 1 ? 'intake' : 'intake into a group', spent });
      return count / spent.seconds;
    };
    const intake = await intakeRate();
    log(`intake: ${intake.toFixed(0)} messages/s; into a round-robin group…`);

    // As many messages again, now from known senders, for a default group that hands tickets out
    // in turn to three agents: every ticket also takes a turn and notifies its agent.
    const admin = await app.app.get(AuthService).createAdmin('bench-admin', 'bench admin password');
    const groups = app.app.get(WorkGroupService);
    const group = await groups.create(admin, { name: 'Desk', active: true, assignmentMode: 'round_robin' });
    for (const login of ['agent1', 'agent2', 'agent3']) {
      await app.app.get(UserAdminService).create({ username: login, email: `${login}@desk.example`, roles: ['agent'] });
      await groups.addMember(admin, group.id, login);
    }
    await app.boot.database.dataSource.query(`UPDATE mailboxes SET default_group_id = $2 WHERE id = $1`, [mailboxId, group.id]);
    dovecot.deliverMany(BOX, Array.from({ length: count }, (_, i) => varied(count + i)));
    const assigned = await intakeRate();
    log(`intake into a group: ${assigned.toFixed(0)} messages/s`);

    // Memory with one 25 MB attachment: sampled while the message is taken.
    const big = `From: big@client.example\r\nTo: ${BOX}\r\nSubject: Big\r\nMessage-ID: <bench-big@client.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="big"\r\n\r\n--big\r\nContent-Type: text/plain\r\n\r\nBig file\r\n--big\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="big.bin"\r\n\r\n${Buffer.alloc(18 * 1024 * 1024, 7).toString('base64').replace(/(.{76})/g, '$1\r\n')}\r\n--big--\r\n`;
    dovecot.deliverMany(BOX, [big]);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    await poller.poll(mailboxId);
    clearInterval(sampler);
    global.gc?.();
    const after = process.memoryUsage().rss;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
    return [
      `| Mail intake (${count.toLocaleString('en')} varied messages) | messages/s |`,
      '| --- | --- |',
      `| raw: imapflow fetch + mailparser, no database | ${raw.toFixed(0)} |`,
      `| raw, with the intake's HTML conversion | ${rawHere.toFixed(0)} |`,
      `| intake: fetch, parse, guard, thread, ticket, mark | ${intake.toFixed(0)} |`,
      `| ratio (against the second raw) | ${(intake / raw).toFixed(2)} (${(intake / rawHere).toFixed(2)}) |`,
      `| intake into a round-robin group (known senders) | ${assigned.toFixed(0)} |`,
      `| ratio (against the second raw) | ${(assigned / raw).toFixed(2)} (${(assigned / rawHere).toFixed(2)}) |`,
      '',
      ...cpuLines(spentOn, count),
      '',
      `Memory around one 25 MB message (${(big.length / 1024 / 1024).toFixed(1)} MB on the wire): RSS ${mb(before)} before, ${mb(peak)} at the peak, ${mb(after)} after.`,
    ];
  } finally {
    await app.stop();
    await dovecot.stop();
    await pg.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** CPU milliseconds a message, by where they were spent, for each intake poll measured. */
function cpuLines(spentOn: ReadonlyArray<{ label: string; spent: CpuSpent<unknown> }>, count: number): string[] {
  const perMessage = (seconds: number | null) => (seconds === null ? 'n/a' : (seconds * 1000 / count).toFixed(2));
  const percent = (share: number | null) => (share === null ? 'n/a' : `${Math.round(share * 100)} %`);
  return [
    '| CPU a message (ms) | the bench process | its main thread (share of the time busy) | other processes: the raw reader, PostgreSQL, Dovecot | machine busy |',
    '| --- | --- | --- | --- | --- |',
    ...spentOn.map(({ label, spent }) => `| ${label} | ${perMessage(spent.processSeconds)} | ${perMessage(spent.mainThreadSeconds)} (${percent(spent.mainThreadSeconds / spent.seconds)}) | ${perMessage(spent.othersSeconds)} | ${percent(spent.machineBusy)} |`),
  ];
}
