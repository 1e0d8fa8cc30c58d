import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { RoutingRuleService } from '../../src/tickets/routing/routing-rule.service';
import { MailboxPoller } from '../../src/email/mailbox-poller';
import { MailIntakeService } from '../../src/email/mail-intake.service';
import { CatalogueService } from '../../src/catalogue/catalogue.service';
import { CustomFieldsService } from '../../src/tickets/fields/custom-fields.service';
import { MailboxService } from '../../src/email/mailbox.service';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { MAX_BODY } from '../../src/tickets/ticket.service';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { processEnv, runCli } from '../support/app-process';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Mail to tickets against a real Dovecot and a real SMTP receiver: new mail opens a ticket for a
// new or known requester; replies join their ticket by our signed Message-ID or by the number in
// the subject; the same message taken twice makes one ticket, also with two app instances
// polling at once; machines (out-of-office, our own mail) open nothing and get no answer; a
// message over the size limit is quarantined with its original; mail already in the folder when
// the mailbox is added is not imported.

const MAILBOX_USER = 'help@desk.example';
const MAILBOX_PASSWORD = 'imap secret 42';
const PASSWORD = 'mail intake test password';

let counter = 0;
function message(fields: { from: string; subject: string; body?: string; headers?: Record<string, string>; cc?: string; id?: string }): string {
  counter += 1;
  const extra = Object.entries(fields.headers ?? {}).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return (
    `From: ${fields.from}\r\nTo: ${MAILBOX_USER}\r\n${fields.cc ? `Cc: ${fields.cc}\r\n` : ''}Subject: ${fields.subject}\r\n` +
    `Message-ID: ${fields.id ?? `<m${counter}.${Date.now()}@client.example>`}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0300\r\n${extra}` +
    `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${fields.body ?? 'Текст письма'}\r\n`
  );
}

describe('mail intake', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let app: TestApp;
  let mailboxId: string;
  let admin: Awaited<ReturnType<AuthService['createAdmin']>>;
  const db = () => app.boot.database.dataSource;
  const poll = async (target: TestApp = app) => (await target.app.get(MailboxPoller).poll(mailboxId))!;
  const deliver = (raw: string) => dovecot.deliver(MAILBOX_USER, raw);
  const ticketCount = async () => (await db().query(`SELECT count(*)::int AS n FROM tickets`))[0].n as number;

  beforeAll(async () => {
    dovecot = await startDovecot([{ user: MAILBOX_USER, password: MAILBOX_PASSWORD }]);
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', MAIL__INTAKE_POLL_SECONDS: '0', APP_URL: 'http://desk.example.test' });
    admin = await app.app.get(AuthService).createAdmin('intake-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'agent', displayName: 'Агент', email: 'agent@desk.example', roles: ['agent'], password: PASSWORD });
    await app.app.get(UserAdminService).create({ username: 'boss', displayName: 'Начальник', email: 'boss@client.example', roles: ['requester'] });
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Mail desk', active: true });
    await app.app.get(WorkGroupService).addMember(admin, group.id, 'agent');
    deliver(message({ from: 'old@client.example', subject: 'Old mail before the mailbox was added' }));
    mailboxId = await app.app.get(MailboxService).create({ name: 'Help', address: MAILBOX_USER, host: '127.0.0.1', port: dovecot.port, security: 'none', username: MAILBOX_USER, secret: MAILBOX_PASSWORD, defaultGroup: 'Mail desk' });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('does not import the mail that was there before the mailbox was added', async () => {
    expect(await poll()).toMatchObject({ fetched: 0, error: null });
    expect(await ticketCount()).toBe(0);
  });

  it('opens a ticket for a new sender, with the sender as requester, Cc as watcher, the original kept, the message marked read', async () => {
    deliver(message({ from: '"Иван Петров" <ivan@client.example>', cc: 'Boss <boss@client.example>', subject: 'Не работает принтер', body: 'Принтер на 3 этаже не печатает' }));
    expect(await poll()).toMatchObject({ fetched: 1, outcomes: { ticket: 1 } });
    const [ticket] = await db().query(`SELECT t.channel, t.subject, u.email, u.display_name AS name, g.name AS "group" FROM tickets t JOIN users u ON u.id = t.requester_id LEFT JOIN work_groups g ON g.id = t.group_id`);
    expect(ticket).toEqual({ channel: 'email', subject: 'Не работает принтер', email: 'ivan@client.example', name: 'Иван Петров', group: 'Mail desk' });
    expect(await db().query(`SELECT u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id`)).toEqual([{ username: 'boss' }]);
    expect(await db().query(`SELECT file_name, declared_type FROM ticket_attachments`)).toEqual([{ file_name: 'original-message.eml', declared_type: 'message/rfc822' }]);
    const client = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: MAILBOX_USER, pass: MAILBOX_PASSWORD }, logger: false });
    await client.connect();
    await client.mailboxOpen('INBOX');
    expect(await client.search({ seen: false })).toEqual([1]); // only the old mail stays unread
    await client.logout();
  });

  it('joins a reply to its ticket by our signed Message-ID, and by the number in the subject from the requester', async () => {
    await app.app.get(OutboxWorker).deliverDue();
    const [confirmation] = await smtp.waitFor(1);
    const ours = confirmation!.mail.messageId!;
    const ref = /\[(INC-\d+)\]/.exec(confirmation!.mail.subject!)![1]!;
    deliver(message({ from: 'ivan@client.example', subject: `RE: ${confirmation!.mail.subject}`, body: 'Спасибо, жду\r\n\r\n-----Original Message-----\r\nFrom: Service desk', headers: { 'In-Reply-To': ours, References: ours } }));
    deliver(message({ from: 'ivan@client.example', subject: `Ещё по [${ref}]`, body: 'И сканер тоже' }));
    deliver(message({ from: 'stranger@else.example', subject: `Чужое [${ref}]`, body: 'Пытаюсь влезть' }));
    expect(await poll()).toMatchObject({ fetched: 3, outcomes: { reply: 2, ticket: 1 } });
    const page = await (await signedInAgent(app.url, 'agent', PASSWORD)).get(`/tickets/${ref}`).expect(200);
    expect(page.text).toContain('Спасибо, жду');
    expect(page.text).toContain('И сканер тоже');
    expect(page.text).not.toContain('Пытаюсь влезть');
    expect(await ticketCount()).toBe(2);
  });

  it('carries a conversation: mail, routing by mailbox and #hashtag, the agent\'s web reply, an Outlook reply to it, an out-of-office that stops', async () => {
    const admin = toActor((await app.app.get(UserRepository).findByUsername('intake-admin'))!);
    const vpn = await app.app.get(WorkGroupService).create(admin, { name: 'VPN team', active: true });
    await app.app.get(WorkGroupService).addMember(admin, vpn.id, 'agent');
    await app.app.get(RoutingRuleService).create({ name: 'VPN by mail', active: true, channels: ['email'], mailboxes: MAILBOX_USER, hashtags: 'vpn', group: 'VPN team' });
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    smtp.received.length = 0;
    deliver(message({ from: 'nina@client.example', subject: 'VPN не подключается', body: 'Ошибка 809 #vpn' }));
    expect((await poll()).outcomes).toEqual({ ticket: 1 });
    const [{ ref, group }] = await db().query(`SELECT 'INC-' || t.number AS ref, g.name AS "group" FROM tickets t JOIN work_groups g ON g.id = t.group_id WHERE t.subject = 'VPN не подключается'`);
    expect(group).toBe('VPN team');
    const agent = await signedInAgent(app.url, 'agent', PASSWORD);
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    await agent.post(`/tickets/${ref}/messages`).type('form').send({ _csrf: csrfOf(page.text), kind: 'reply', body: 'Обновите клиент до версии 5' }).expect(303);
    await app.app.get(OutboxWorker).deliverDue();
    const mailed = await smtp.waitFor(2);
    const reply = mailed.find((received) => received.mail.text?.includes('Обновите клиент'))!;
    expect(reply.envelopeTo).toEqual(['nina@client.example']);
    const ours = reply.mail.messageId!;
    smtp.received.length = 0;
    deliver(message({ from: 'nina@client.example', subject: `RE: ${reply.mail.subject}`, headers: { 'In-Reply-To': ours, References: ours }, body: 'Обновила, всё ещё 809\r\n\r\n-----Original Message-----\r\nFrom: Service desk\r\nSent: Tuesday\r\n\r\nОбновите клиент до версии 5' }));
    deliver(message({ from: 'nina@client.example', subject: `Automatic reply: ${reply.mail.subject}`, headers: { 'In-Reply-To': ours, 'Auto-Submitted': 'auto-replied' }, body: 'Я в отпуске до понедельника' }));
    expect((await poll()).outcomes).toEqual({ reply: 1, ignored: 1 });
    const conversation = (await db().query(`SELECT m.body_html AS html FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE 'INC-' || t.number = $1 ORDER BY m.created_at`, [ref])).map((row: { html: string }) => row.html);
    expect(conversation).toHaveLength(2);
    expect(conversation[1]).toMatch(/^<p>Обновила, всё ещё 809<\/p><details>.*Обновите клиент до версии 5.*<\/details>$/s);
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received.map((received) => received.envelopeTo)).not.toContainEqual(['nina@client.example']);
  });

  it('registers mail for a default service whose custom fields are required, leaving them for staff', async () => {
    const serviceId = await app.app.get(CatalogueService).create({ name: 'Mail service', defaultGroup: 'Mail desk', active: true });
    await app.app.get(CustomFieldsService).create({ key: 'asset', label: 'Инвентарный номер', kind: 'text', required: true, serviceId, active: true });
    await db().query(`UPDATE mailboxes SET default_service_id = $1 WHERE id = $2`, [serviceId, mailboxId]);
    deliver(message({ from: 'ivan@client.example', subject: 'С обязательным полем' }));
    expect((await poll()).outcomes).toEqual({ ticket: 1 });
    expect(await db().query(`SELECT custom FROM tickets WHERE subject = 'С обязательным полем' AND service_id = $1`, [serviceId])).toEqual([{ custom: {} }]);
    await db().query(`UPDATE mailboxes SET default_service_id = NULL WHERE id = $1`, [mailboxId]);
  });

  it('makes people in Cc watchers: strangers get a requester account, never our own mailbox or the author, ten at most, none from quiet mail', async () => {
    const crowd = Array.from({ length: 12 }, (_, i) => `copy${i}@else.example`);
    deliver(message({ from: 'ivan@client.example', subject: 'Копии всем', cc: ['Boss <boss@client.example>', '"Пётр Сидоров" <Peter@Else.example>', MAILBOX_USER, 'ivan@client.example'].join(', ') }));
    deliver(message({ from: 'ivan@client.example', subject: 'Копия толпе', cc: crowd.join(', ') }));
    deliver(message({ from: 'ivan@client.example', subject: 'Тихое письмо', cc: 'quiet@else.example', headers: { 'X-Auto-Response-Suppress': 'All' } }));
    expect((await poll()).outcomes).toEqual({ ticket: 3 });
    const watchers = async (subject: string) =>
      (await db().query(`SELECT u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id JOIN tickets t ON t.id = w.ticket_id WHERE t.subject = $1 ORDER BY u.username`, [subject])).map((row: { username: string }) => row.username);
    expect(await watchers('Копии всем')).toEqual(['boss', 'peter@else.example']);
    expect(await db().query(`SELECT display_name AS name, roles FROM users WHERE email = 'peter@else.example'`)).toEqual([{ name: 'Пётр Сидоров', roles: ['requester'] }]);
    expect(await watchers('Копия толпе')).toEqual(crowd.slice(0, 10).sort());
    expect(await db().query(`SELECT username FROM users WHERE email IN ('copy10@else.example', 'copy11@else.example', 'quiet@else.example')`)).toEqual([]);
    expect(await watchers('Тихое письмо')).toEqual([]);
  });

  it('refuses strangers where the mailbox is set so, and registers nobody from their Cc', async () => {
    await db().query(`UPDATE mailboxes SET unknown_senders = 'reject' WHERE id = $1`, [mailboxId]);
    try {
      deliver(message({ from: 'ivan@client.example', subject: 'Свои только', cc: 'nobody@else.example, boss@client.example' }));
      deliver(message({ from: 'intruder@else.example', subject: 'Чужой' }));
      expect((await poll()).outcomes).toEqual({ ticket: 1, rejected: 1 });
      expect(await db().query(`SELECT status, reason FROM inbound_messages WHERE subject = 'Чужой'`)).toEqual([{ status: 'rejected', reason: 'unknown_sender' }]);
      expect(await db().query(`SELECT username FROM users WHERE email IN ('nobody@else.example', 'intruder@else.example')`)).toEqual([]);
      expect(await db().query(`SELECT u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id JOIN tickets t ON t.id = w.ticket_id WHERE t.subject = 'Свои только'`)).toEqual([{ username: 'boss' }]);
    } finally {
      await db().query(`UPDATE mailboxes SET unknown_senders = 'create' WHERE id = $1`, [mailboxId]);
    }
  });

  it('takes replies and new mail side by side without stalling, round after round', async () => {
    // Chains run in parallel transactions that lock some of the same rows; a transaction must never
    // wait in the process for a read another one started (see SettingsMemo), or both stall for ever.
    const stalled = (ms: number) => new Promise<'stalled'>((resolve) => setTimeout(() => resolve('stalled'), ms).unref());
    for (let round = 0; round < 5; round += 1) {
      deliver(message({ from: `side${round}@client.example`, cc: 'boss@client.example', subject: `Рядом ${round}` }));
      expect(await Promise.race([poll(), stalled(20_000)])).toMatchObject({ outcomes: { ticket: 1 } });
      const [{ number }] = await db().query(`SELECT number FROM tickets WHERE subject = $1`, [`Рядом ${round}`]);
      deliver(message({ from: `side${round}@client.example`, subject: `RE: [INC-${number}] Рядом ${round}`, body: 'Ответ по номеру' }));
      deliver(message({ from: `side${round}@client.example`, subject: `Ещё по [INC-${number}]`, body: 'И ещё' }));
      deliver(message({ from: `other${round}@else.example`, subject: `Чужое [INC-${number}]`, body: 'Новое' }));
      expect(await Promise.race([poll(), stalled(20_000)])).toMatchObject({ fetched: 3, outcomes: { reply: 2, ticket: 1 } });
    }
  });

  it('takes a batch together, and again message by message when one message is refused: each once, assigned in turn', async () => {
    // A batch's chains are taken together in one transaction. One message is refused by the ticket
    // rules (a plugin made its body too long), which fails that transaction as a whole: the
    // messages are then taken one by one, and the refused one is quarantined.
    const groups = app.app.get(WorkGroupService);
    await app.app.get(UserAdminService).create({ username: 'agent2', displayName: 'Агент 2', email: 'agent2@desk.example', roles: ['agent'], password: PASSWORD });
    await groups.addMember(admin, (await db().query(`SELECT id FROM work_groups WHERE name = 'Mail desk'`))[0].id, 'agent2');
    await db().query(`UPDATE work_groups SET assignment_mode = 'round_robin' WHERE name = 'Mail desk'`);
    const off = app.app.get(HookBus).addFilter('email.inbound.ticket_data', (data, { sender }) => (sender === 'refused@client.example' ? { ...data, html: 'x'.repeat(MAX_BODY + 1) } : data));
    try {
      await poll(); // the mailbox is started (when this test runs alone)
      for (let i = 0; i < 6; i += 1) deliver(message({ from: `turn${i}@client.example`, subject: `По очереди ${i}`, cc: i % 2 === 0 ? 'colleague@else.example' : undefined }));
      deliver(message({ from: 'refused@client.example', subject: 'Слишком длинное' }));
      expect((await poll()).outcomes).toEqual({ ticket: 6, quarantined: 1 });
      expect(await db().query(`SELECT status, reason FROM inbound_messages WHERE sender = 'refused@client.example'`)).toEqual([{ status: 'quarantined', reason: 'refused:body_too_long' }]);
      const made = await db().query(
        `SELECT t.subject, a.username AS assignee, (SELECT count(*)::int FROM ticket_watchers w JOIN users u ON u.id = w.user_id WHERE w.ticket_id = t.id AND u.email = 'colleague@else.example') AS colleague
           FROM tickets t JOIN users a ON a.id = t.assignee_id WHERE t.subject LIKE 'По очереди %' ORDER BY t.number`,
      );
      expect(made.map((row: { subject: string }) => row.subject).sort()).toEqual(Array.from({ length: 6 }, (_, i) => `По очереди ${i}`));
      // Round robin over two agents: they alternate, whichever chain took its turn first.
      expect(made.map((row: { assignee: string }, at: number) => row.assignee === made[at % 2].assignee)).toEqual([true, true, true, true, true, true]);
      expect(made[0].assignee).not.toBe(made[1].assignee);
      expect(made.filter((row: { colleague: number }) => row.colleague === 1)).toHaveLength(3);
      expect(await db().query(`SELECT count(*)::int AS n FROM users WHERE email = 'colleague@else.example'`)).toEqual([{ n: 1 }]);
      expect(await db().query(`SELECT count(*)::int AS n FROM inbound_messages WHERE subject LIKE 'По очереди %'`)).toEqual([{ n: 6 }]);
    } finally {
      off();
      await db().query(`UPDATE work_groups SET assignment_mode = 'manual' WHERE name = 'Mail desk'`);
    }
  });

  it('cleans what a plugin made of a body, as it cleans anything from outside', async () => {
    const hooks = app.app.get(HookBus);
    const mine = (sender: string | null) => sender === 'boss@client.example';
    const off = [
      hooks.addFilter('email.inbound.ticket_data', (data, { sender }) => (mine(sender) ? { ...data, html: `${data.html}<script>alert(1)</script><p onclick="steal()">от плагина</p>` } : data)),
      hooks.addFilter('email.inbound.reply_data', (data, { sender }) => (mine(sender) ? { ...data, html: '<img src="http://evil.example/x.png"><p>ответ плагина</p>' } : data)),
    ];
    try {
      deliver(message({ from: 'boss@client.example', subject: 'Плагин правит письмо', body: 'Исходный текст' }));
      await poll();
      const [ticket] = await db().query(`SELECT number, description_html AS html FROM tickets WHERE subject = 'Плагин правит письмо'`);
      expect(ticket.html).toBe('<p>Исходный текст</p><p>от плагина</p>');
      deliver(message({ from: 'boss@client.example', subject: `Ещё по [INC-${ticket.number}]` }));
      await poll();
      expect(await db().query(`SELECT m.body_html AS html FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = $1 AND t.type = 'incident'`, [ticket.number])).toEqual([{ html: '<p>ответ плагина</p>' }]);
    } finally {
      for (const remove of off) remove();
    }
  });

  it('takes the same message once however often it is delivered or fetched', async () => {
    const raw = message({ from: 'ivan@client.example', subject: 'Дубль', id: '<same-message@client.example>' });
    deliver(raw);
    deliver(raw);
    const report = await poll();
    expect(report.outcomes).toEqual({ ticket: 1, duplicate: 1 });
    // The mark was lost (a crash between taking and marking): the same mail is fetched again.
    await db().query(`UPDATE mailboxes SET last_uid = last_uid - 2`);
    const again = await poll();
    expect(again.outcomes).toEqual({ duplicate: 2 });
    expect(await db().query(`SELECT count(*)::int AS n FROM tickets WHERE subject = 'Дубль'`)).toEqual([{ n: 1 }]);
  });

  it('keeps nothing of a transaction that took a message another one recorded meanwhile', async () => {
    // Two nodes can fetch one message before either recorded it (from a known sender here: two new
    // requesters of one address would wait for each other). Both decide; the record, written
    // last, lets one commit, and the other's ticket and stored original are rolled back.
    const raw = Buffer.from(message({ from: 'boss@client.example', subject: 'Гонка', id: '<race@client.example>' }));
    const mailbox = await app.app.get(MailboxService).get(mailboxId);
    let arrived = 0;
    let release = () => undefined as void;
    const bothInside = new Promise<void>((resolve) => (release = resolve));
    const off = app.app.get(HookBus).addFilter('email.inbound.ticket_data', async (data, { sender }) => {
      if (sender !== 'boss@client.example') return data;
      arrived += 1;
      if (arrived === 2) release();
      await bothInside;
      return data;
    });
    const storeRoot = join(app.dataDir, 'attachments');
    const stored = () => readdirSync(storeRoot, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile() && !entry.parentPath.startsWith(join(storeRoot, 'incoming'))).length;
    try {
      const before = stored();
      const take = () => app.app.get(MailIntakeService).take(mailbox, { uid: null, size: raw.length, raw });
      const outcomes = await Promise.all([take(), take()]);
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['duplicate', 'ticket']);
      expect(await db().query(`SELECT count(*)::int AS n FROM tickets WHERE subject = 'Гонка'`)).toEqual([{ n: 1 }]);
      expect(await db().query(`SELECT status FROM inbound_messages WHERE message_id = '<race@client.example>'`)).toEqual([{ status: 'ticket' }]);
      // The loser's original was moved into the store before the rollback: it is removed after it.
      for (let wait = 0; stored() !== before + 1 && wait < 50; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(stored()).toBe(before + 1);
    } finally {
      off();
    }
  });

  it('opens nothing and answers nothing for machines: out-of-office, lists, our own mail', async () => {
    const before = await ticketCount();
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    smtp.received.length = 0;
    deliver(message({ from: 'ivan@client.example', subject: 'Автоответ: Не работает принтер', headers: { 'Auto-Submitted': 'auto-replied' } }));
    deliver(message({ from: 'news@list.example', subject: 'Рассылка', headers: { Precedence: 'bulk' } }));
    deliver(message({ from: MAILBOX_USER, subject: 'Our own mail coming back' }));
    expect((await poll()).outcomes).toEqual({ ignored: 3 });
    expect(await ticketCount()).toBe(before);
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(0);
    const reasons = await db().query(`SELECT subject, reason FROM inbound_messages WHERE status = 'ignored' AND subject = ANY ($1::text[])`, [['Автоответ: Не работает принтер', 'Рассылка', 'Our own mail coming back']]);
    expect(Object.fromEntries(reasons.map((row: { subject: string; reason: string }) => [row.subject, row.reason]))).toEqual({ 'Автоответ: Не работает принтер': 'auto_submitted', Рассылка: 'precedence', 'Our own mail coming back': 'own_address' });
  });

  it('quarantines a message over the size limit, with its original for the administrator', async () => {
    await db().query(`UPDATE mailboxes SET max_message_mb = 1`);
    deliver(message({ from: 'ivan@client.example', subject: 'Огромное вложение', body: 'x'.repeat(1_300_000) }));
    expect((await poll()).outcomes).toEqual({ quarantined: 1 });
    await db().query(`UPDATE mailboxes SET max_message_mb = 25`);
    const admin = await signedInAgent(app.url, 'intake-admin', PASSWORD);
    const log = await admin.get('/admin/mailboxes/log?status=quarantined').expect(200);
    expect(log.text).toContain('too_large');
    const link = /href="(\/admin\/mailboxes\/log\/[^"]+\/original)"/.exec(log.text)![1]!;
    const original = await admin.get(link).expect(200);
    expect(original.headers['content-type']).toContain('message/rfc822');
    expect(String(original.text ?? original.body)).toContain('Subject: ');
  });

  it('streams a message too big to hold in memory, storing its attachment and original byte for byte', async () => {
    // Over 1 MB a message is streamed to a file and its attachments decoded to files, which the
    // ticket then takes; a small message in the same batch keeps its parts in memory.
    const data = randomBytes(1_500_000);
    const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
    const big =
      `From: ivan@client.example\r\nTo: ${MAILBOX_USER}\r\nSubject: Дамп памяти\r\nMessage-ID: <dump-${Date.now()}@client.example>\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/mixed; boundary="dump"\r\n\r\n--dump\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nДамп во вложении\r\n--dump\r\n` +
      `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename="дамп.bin"\r\n\r\n${data.toString('base64').replace(/(.{76})/g, '$1\r\n')}\r\n--dump--\r\n`;
    deliver(big);
    deliver(message({ from: 'boss@client.example', subject: 'Рядом с дампом' }));
    expect((await poll()).outcomes).toEqual({ ticket: 2 });
    const files = await db().query(
      `SELECT t.subject, a.id, a.file_name AS "fileName", a.size_bytes::int AS size, a.sha256 FROM ticket_attachments a JOIN tickets t ON t.id = a.ticket_id
        WHERE t.subject IN ('Дамп памяти', 'Рядом с дампом') ORDER BY t.subject, a.file_name`,
    );
    expect(files.map((file: { subject: string; fileName: string }) => `${file.subject}: ${file.fileName}`)).toEqual(['Дамп памяти: original-message.eml', 'Дамп памяти: дамп.bin', 'Рядом с дампом: original-message.eml']);
    const stored = (file: { id: string }) => readFileSync(join(app.dataDir, 'attachments', file.id.slice(0, 2), file.id));
    const [original, dump, small] = files;
    expect(sha(stored(dump))).toBe(sha(data));
    expect(dump).toMatchObject({ size: data.length, sha256: sha(data) });
    expect(stored(original).toString()).toBe(big);
    expect(stored(small).toString()).toContain('Subject: Рядом с дампом');
    expect(sha(stored(small))).toBe(small.sha256);
  });

  it('makes exactly one ticket per message when two app instances poll the mailbox at once', async () => {
    const other = await startTestApp('postgres', { MAIL__INTAKE_POLL_SECONDS: '0', MAIL__POLL_SECONDS: '3600', DATABASE_URL: app.boot.config.get('database_url')!, SECRET_KEY: app.boot.config.secretKey.value });
    try {
      const before = await ticketCount();
      for (let i = 0; i < 30; i += 1) deliver(message({ from: `user${i}@client.example`, subject: `Параллельно ${i}` }));
      await Promise.all([poll(app), poll(other), poll(app), poll(other)]);
      await poll(app);
      expect(await ticketCount()).toBe(before + 30);
      expect(await db().query(`SELECT count(*)::int AS n FROM (SELECT subject FROM tickets WHERE subject LIKE 'Параллельно%' GROUP BY subject HAVING count(*) > 1) d`)).toEqual([{ n: 0 }]);
    } finally {
      await other.stop();
    }
  });

  it('is driven from the command line too: add, test and read a mailbox', () => {
    const env = processEnv({ DATABASE_URL: app.boot.config.get('database_url')!, SECRET_KEY: app.boot.config.secretKey.value, DATA_DIR: app.dataDir, MAIL__INTAKE_POLL_SECONDS: '0' });
    const added = runCli(env, ['mailbox:add', '--name', 'Second', '--address', 'second@desk.example', '--host', '127.0.0.1', '--port', String(dovecot.port), '--security', 'none', '--username', MAILBOX_USER, '--password-stdin'], `${MAILBOX_PASSWORD}\n`);
    expect(added).toMatchObject({ status: 0 });
    expect(runCli(env, ['mailbox:test', '--mailbox', 'second@desk.example'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^OK {2}Second: \d+ messages in INBOX/) });
    expect(runCli(env, ['mailbox:poll', '--mailbox', 'Second'])).toMatchObject({ status: 0, stdout: expect.stringContaining('OK  Second: 0 messages') });
    expect(runCli(env, ['mailbox:test', '--mailbox', 'nobody'])).toMatchObject({ status: 1 });
  });

  it('keeps the password sealed, and shows the server\'s own error when the test fails', async () => {
    const [row] = await db().query(`SELECT secret_sealed FROM mailboxes WHERE id = $1`, [mailboxId]);
    expect(row.secret_sealed).toMatch(/^v1:/);
    expect(row.secret_sealed).not.toContain(MAILBOX_PASSWORD);
    const admin = await signedInAgent(app.url, 'intake-admin', PASSWORD);
    const form = await admin.get(`/admin/mailboxes/${mailboxId}`).expect(200);
    expect(form.text).not.toContain(MAILBOX_PASSWORD);
    await admin.post(`/admin/mailboxes/${mailboxId}/test`).type('form').send({ _csrf: csrfOf(form.text) }).expect(303);
    expect((await admin.get(`/admin/mailboxes/${mailboxId}`).expect(200)).text).toContain('Connected and signed in');
    const created = await admin.post('/admin/mailboxes').type('form').send({ _csrf: csrfOf(form.text), name: 'Wrong', address: 'wrong@desk.example', host: '127.0.0.1', port: String(dovecot.port), security: 'none', username: MAILBOX_USER, secret: 'not the password', active: 'on' }).expect(303);
    const wrong = created.headers.location!;
    await admin.post(`${wrong}/test`).type('form').send({ _csrf: csrfOf(form.text) }).expect(303);
    expect((await admin.get(wrong).expect(200)).text).toMatch(/The server refused: .*(AUTHENTICATIONFAILED|Authentication failed)/i);
    const refused = await admin.post('/admin/mailboxes').type('form').send({ _csrf: csrfOf(form.text), name: 'Bad', address: 'not an address', host: '', security: 'tls', username: 'x', secret: 'y' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="Bad"');
  });

  it('leaves no parked files behind: every original and attachment was claimed or removed', () => {
    const incoming = join(app.dataDir, 'attachments', 'incoming');
    expect(readdirSync(incoming).filter((name) => name.endsWith('.part'))).toEqual([]);
  });
});
