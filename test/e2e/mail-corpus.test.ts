import Encoding from 'encoding-japanese';
import iconv from 'iconv-lite';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { MailboxPoller } from '../../src/email/mailbox-poller';
import { MailboxService } from '../../src/email/mailbox.service';
import { SenderRulesService } from '../../src/email/sender-rules.service';
import { buildTnef } from '../../src/email/tnef';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import { TicketService } from '../../src/tickets/ticket.service';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * A corpus of real-world mail, made here and delivered to a real Dovecot, then read in one poll:
 * legacy Cyrillic and Japanese charsets (also with no charset given), encoded-word subjects split
 * over lines, HTML-only mail with scripts, S/MIME signatures, winmail.dat, inline images, the reply
 * styles of Outlook, Gmail and Thunderbird, every kind of automatic mail, a delivery report for mail
 * we sent, missing and reused Message-IDs, stopped and allowed senders and a flooding one. Each
 * message is checked for what became of it.
 */

const BOX = 'corpus@desk.example';
const BOX_PASSWORD = 'corpus imap secret';
const DATE = 'Tue, 24 Nov 2026 10:00:00 +0300';

interface Part {
  type: string;
  body: Buffer | string;
  encoding?: '8bit' | '7bit' | 'base64' | 'quoted-printable';
  headers?: Record<string, string>;
}

const b64 = (data: Buffer | string) => (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('base64').replace(/(.{76})/g, '$1\r\n');
const word = (text: string, charset = 'UTF-8') => `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;

function partBytes(part: Part): Buffer {
  const encoding = part.encoding ?? '8bit';
  const head = [`Content-Type: ${part.type}`, `Content-Transfer-Encoding: ${encoding}`, ...Object.entries(part.headers ?? {}).map(([name, value]) => `${name}: ${value}`)].join('\r\n');
  const body = encoding === 'base64' ? Buffer.from(b64(part.body)) : Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body);
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), body, Buffer.from('\r\n')]);
}

function multipart(type: string, parts: Part[], boundary = `b${Math.random().toString(36).slice(2)}`): Part {
  const body = Buffer.concat([...parts.flatMap((part) => [Buffer.from(`--${boundary}\r\n`), partBytes(part)]), Buffer.from(`--${boundary}--\r\n`)]);
  return { type: `${type}; boundary="${boundary}"`, body, encoding: '7bit' };
}

function mail(id: string, fields: { from?: string; subject: string; headers?: Record<string, string>; part: Part }): Buffer {
  const top = [
    ...(fields.from === undefined ? [] : [`From: ${fields.from}`]),
    `To: ${BOX}`,
    `Subject: ${fields.subject}`,
    ...(id ? [`Message-ID: <${id}@corpus.example>`] : []),
    `Date: ${DATE}`,
    'MIME-Version: 1.0',
    ...Object.entries(fields.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
  ].join('\r\n');
  return Buffer.concat([Buffer.from(`${top}\r\n`), partBytes(fields.part)]);
}

const text = (body: string, charset = 'utf-8'): Part => ({ type: `text/plain; charset=${charset}`, body: iconv.encode(body, charset) });
const jis = (value: string) => Buffer.from(Encoding.convert(Encoding.stringToCode(value), { to: 'JIS', from: 'UNICODE' }));

describe('the mail corpus', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let app: TestApp;
  let mailboxId: string;
  let bouncedRef: string;
  let replyRef: string;
  const db = () => app.boot.database.dataSource;
  const outcome = async (id: string) =>
    ((await db().query(
      `SELECT i.status, i.reason, t.subject, t.description_html AS html, t.type, t.number,
              (SELECT array_agg(a.file_name ORDER BY a.file_name) FROM ticket_attachments a WHERE a.ticket_id = t.id) AS files
         FROM inbound_messages i LEFT JOIN tickets t ON t.id = i.ticket_id WHERE i.message_id = $1 ORDER BY i.received_at`,
      [`<${id}@corpus.example>`],
    )) as Array<{ status: string; reason: string | null; subject: string | null; html: string | null; type: string | null; number: string | null; files: string[] | null }>);
  const replies = async (ref: string) => (await db().query(`SELECT m.body_html AS html FROM ticket_messages m JOIN tickets t ON t.id = m.ticket_id WHERE t.number = $1 ORDER BY m.created_at`, [ref.split('-')[1]])).map((row: { html: string }) => row.html);

  beforeAll(async () => {
    dovecot = await startDovecot([{ user: BOX, password: BOX_PASSWORD }]);
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', MAIL__INTAKE_POLL_SECONDS: '0', APP_URL: 'http://desk.example.test' });
    const admin = await app.app.get(AuthService).createAdmin('corpus-admin', 'corpus admin password');
    await app.app.get(UserAdminService).create({ username: 'olga', displayName: 'Ольга', email: 'olga@client.example', roles: ['requester'] });
    await app.app.get(UserAdminService).create({ username: 'gone', displayName: 'Ушедший', email: 'gone@client.example', roles: ['requester'] });
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Corpus desk', active: true });
    mailboxId = await app.app.get(MailboxService).create({ name: 'Corpus', address: BOX, host: '127.0.0.1', port: dovecot.port, security: 'none', username: BOX, secret: BOX_PASSWORD, defaultGroup: group.name, signature: 'Служба ИТ, тел. 123' });
    await app.app.get(MailboxPoller).poll(mailboxId); // the mailbox starts here
    await app.app.get(SenderRulesService).save({ deny: '@spam.example', allow: 'vip@partner.example' });
    // A ticket whose confirmation will bounce, and one the reply styles answer.
    const tickets = app.app.get(TicketService);
    const gone = toActor((await app.app.get(UserRepository).findByUsername('gone'))!);
    bouncedRef = await tickets.create(gone, { type: 'incident', subject: 'Письмо не дойдёт' }, 'web');
    replyRef = await tickets.create(toActor((await app.app.get(UserRepository).findByUsername('olga'))!), { type: 'incident', subject: 'Отвечаем по-разному' }, 'web');
    const [sent] = await db().query(`SELECT message_id FROM mail_outbox WHERE recipients = ARRAY['gone@client.example']`);

    const corpus: Buffer[] = [
      mail('utf8', { from: 'Ivan <ivan@client.example>', subject: word('Не работает почта'), part: text('Письмо в UTF-8: ёжик, ґанок, o‘zbek') }),
      mail('koi8r', { from: 'koi@client.example', subject: word('Тема в KOI8-R', 'KOI8-R'), part: text('Текст в кодировке КОИ-8', 'koi8-r') }),
      mail('cp1251', { from: 'win@client.example', subject: word('Тема в Windows-1251', 'windows-1251'), part: text('Текст в кодировке Windows-1251', 'windows-1251') }),
      mail('iso88595', { from: 'iso@client.example', subject: word('Тема в ISO-8859-5', 'ISO-8859-5'), part: text('Текст в кодировке ISO-8859-5', 'iso-8859-5') }),
      mail('jis', { from: 'tanaka@client.example', subject: `=?ISO-2022-JP?B?${jis('プリンター故障').toString('base64')}?=`, part: { type: 'text/plain; charset=ISO-2022-JP', body: jis('印刷できません'), encoding: '7bit' } }),
      mail('jis-bare', { from: 'suzuki@client.example', subject: `=?ISO-2022-JP?B?${jis('文字コードなし').toString('base64')}?=`, part: { type: 'text/plain', body: jis('文字コードの指定がありません'), encoding: '7bit' } }),
      mail('split-subject', { from: 'split@client.example', subject: `${word('Очень длинная тема, ')}\r\n ${word('разбитая на строки')}`, part: text('Тело') }),
      mail('html-only', { from: 'html@client.example', subject: 'HTML only', part: { type: 'text/html; charset=utf-8', body: '<p onclick="steal()">Жирный <b>текст</b></p><script>alert(1)</script><img src="http://tracker.example/p.gif">' } }),
      mail('text-only', { from: 'plain@client.example', subject: 'Text only', part: text('Просто текст <не тег>') }),
      mail('smime', { from: 'signed@client.example', subject: 'Подписанное письмо', part: multipart('multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256', [text('Подписанный текст'), { type: 'application/pkcs7-signature; name="smime.p7s"', body: Buffer.from([0x30, 0x82, 0x01, 0x0a]), encoding: 'base64', headers: { 'Content-Disposition': 'attachment; filename="smime.p7s"' } }]) }),
      mail('tnef', { from: 'outlook@client.example', subject: 'Winmail', part: multipart('multipart/mixed', [text('Отчёт во вложении'), { type: 'application/ms-tnef; name="winmail.dat"', body: buildTnef([{ name: 'report.xlsx', content: Buffer.from('cells') }]), encoding: 'base64', headers: { 'Content-Disposition': 'attachment; filename="winmail.dat"' } }]) }),
      mail('inline-image', { from: 'img@client.example', subject: 'Скриншот', part: multipart('multipart/related', [{ type: 'text/html; charset=utf-8', body: '<p>Смотрите: <img src="cid:shot1"></p>' }, { type: 'image/png', body: Buffer.from('89504e470d0a1a0a', 'hex'), encoding: 'base64', headers: { 'Content-ID': '<shot1>', 'Content-Disposition': 'inline; filename="screenshot.png"' } }]) }),
      mail('attachment-cyrillic', { from: 'files@client.example', subject: 'Файл', part: multipart('multipart/mixed', [text('Акт во вложении'), { type: 'application/pdf', body: Buffer.from('%PDF-1.4'), encoding: 'base64', headers: { 'Content-Disposition': `attachment; filename="${word('Акт сверки.pdf')}"` } }]) }),
      mail('outlook-reply', { from: 'olga@client.example', subject: `RE: [${replyRef}] Отвечаем по-разному`, part: text('Ответ из Outlook.\r\n\r\n-----Original Message-----\r\nFrom: Service desk\r\nSent: Tuesday\r\n\r\nСтарый текст Outlook') }),
      mail('gmail-reply', { from: 'olga@client.example', subject: `Re: [${replyRef}] Отвечаем по-разному`, part: { type: 'text/html; charset=utf-8', body: '<div dir="ltr">Ответ из Gmail.</div><br><div class="gmail_quote"><div class="gmail_attr">On Tue wrote:</div><blockquote class="gmail_quote">Старый текст Gmail</blockquote></div>' } }),
      mail('thunderbird-reply', { from: 'olga@client.example', subject: `Re: [${replyRef}] Отвечаем по-разному`, part: { type: 'text/html; charset=utf-8', body: '<p>Ответ из Thunderbird.</p><div class="moz-cite-prefix">24.11.2026 10:00, Service desk пишет:</div><blockquote type="cite">Старый текст Thunderbird</blockquote>' } }),
      mail('text-quote-reply', { from: 'olga@client.example', subject: `Re: [${replyRef}] Отвечаем по-разному`, part: text('Ответ с цитатой.\r\n\r\nOn Tue, 24 Nov 2026 at 10:00, Desk <corpus@desk.example> wrote:\r\n> Старый текст цитаты') }),
      mail('auto-replied', { from: 'ivan@client.example', subject: 'Автоответ', headers: { 'Auto-Submitted': 'auto-replied' }, part: text('Я в отпуске') }),
      mail('auto-generated', { from: 'monitor@client.example', subject: 'Отчёт мониторинга', headers: { 'Auto-Submitted': 'auto-generated' }, part: text('Всё хорошо') }),
      mail('precedence-bulk', { from: 'news@client.example', subject: 'Новости', headers: { Precedence: 'bulk' }, part: text('Рассылка') }),
      mail('precedence-list', { from: 'list@client.example', subject: 'Список', headers: { Precedence: 'list' }, part: text('Список рассылки') }),
      mail('precedence-junk', { from: 'junk@client.example', subject: 'Мусор', headers: { Precedence: 'junk' }, part: text('Мусор') }),
      mail('x-autoreply', { from: 'ar@client.example', subject: 'Autoreply', headers: { 'X-Autoreply': 'yes' }, part: text('Автоматически') }),
      mail('x-autorespond', { from: 'arr@client.example', subject: 'Autorespond', headers: { 'X-Autorespond': 'Out of office' }, part: text('Нет на месте') }),
      mail('list-id', { from: 'digest@client.example', subject: 'Digest', headers: { 'List-Id': '<digest.client.example>' }, part: text('Дайджест') }),
      mail('x-loop', { from: 'loop@client.example', subject: 'Петля', headers: { 'X-Loop': BOX }, part: text('По кругу') }),
      mail('own-address', { from: `Desk <${BOX}>`, subject: 'Наше же письмо', part: text('Вернулось') }),
      mail('suppress', { from: 'quiet@client.example', subject: 'Не отвечайте автоматически', headers: { 'X-Auto-Response-Suppress': 'All' }, part: text('Без автоответа, пожалуйста') }),
      mail('bounce', {
        from: 'MAILER-DAEMON@client.example',
        subject: 'Undelivered Mail Returned to Sender',
        headers: { 'Return-Path': '<>' },
        part: multipart('multipart/report; report-type=delivery-status', [
          text('Письмо не доставлено'),
          { type: 'message/delivery-status', body: 'Reporting-MTA: dns; mx.client.example\r\n\r\nFinal-Recipient: rfc822; gone@client.example\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user', encoding: '7bit' },
          { type: 'text/rfc822-headers', body: `From: Opora <opora@localhost>\r\nTo: gone@client.example\r\nMessage-ID: ${sent.message_id}\r\nSubject: [${bouncedRef}] Registered`, encoding: '7bit' },
        ]),
      }),
      mail('no-from', { subject: 'Без отправителя', part: text('Кто я?') }),
      mail('', { from: 'noid@client.example', subject: 'Без Message-ID', part: text('Идентификатора нет') }),
      mail('', { from: 'noid@client.example', subject: 'Без Message-ID', part: text('Идентификатора нет') }),
      mail('reused', { from: 'reuse@client.example', subject: 'Первое письмо', part: text('Одно') }),
      mail('reused', { from: 'reuse@client.example', subject: 'Второе письмо с тем же id', part: text('Другое') }),
      mail('denied', { from: 'seller@spam.example', subject: 'Купите', part: text('Реклама') }),
      mail('denied-sub', { from: 'seller@mail.spam.example', subject: 'Купите ещё', part: text('Реклама') }),
      mail('vip', { from: 'vip@partner.example', subject: 'От партнёра', part: text('Важно') }),
      mail('cc-watchers', { from: 'ivan@client.example', headers: { Cc: 'Olga <olga@client.example>, unknown@else.example' }, subject: 'С копией', part: text('Копия Ольге') }),
      mail('quoted-printable', { from: 'qp@client.example', subject: '=?utf-8?Q?=D0=9A=D0=B2=D0=BE=D1=82?=', part: { type: 'text/plain; charset=utf-8', body: '=D0=A2=D0=B5=D0=BA=D1=81=D1=82 QP', encoding: 'quoted-printable' } }),
      mail('long-html', { from: 'long@client.example', subject: 'Длинное письмо', part: { type: 'text/html; charset=utf-8', body: `<p>${'Очень длинный текст. '.repeat(15_000)}</p>` } }),
      mail('html-flood', { from: 'flood-html@client.example', subject: 'Огромный HTML', part: { type: 'text/html; charset=utf-8', body: `<p>${'x'.repeat(5_100_000)}</p>` } }),
      mail('uzbek-latin', { from: 'uz@client.example', subject: word('Printer ishlamayapti'), part: text("Printer ishlamayapti, yordam bering: o'zbekcha matn") }),
      ...Array.from({ length: 31 }, (_, i) => mail(`flood-${i}`, { from: 'flood@client.example', subject: `Поток ${i}`, part: text('Ещё одно') })),
    ];
    for (const raw of corpus) dovecot.deliver(BOX, raw);
    await app.app.get(MailboxPoller).poll(mailboxId);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it.each([
    ['utf8', 'Не работает почта', 'ёжик, ґанок, o‘zbek'],
    ['koi8r', 'Тема в KOI8-R', 'Текст в кодировке КОИ-8'],
    ['cp1251', 'Тема в Windows-1251', 'Текст в кодировке Windows-1251'],
    ['iso88595', 'Тема в ISO-8859-5', 'Текст в кодировке ISO-8859-5'],
    ['jis', 'プリンター故障', '印刷できません'],
    ['jis-bare', '文字コードなし', '文字コードの指定がありません'],
    ['split-subject', 'Очень длинная тема, разбитая на строки', 'Тело'],
    ['quoted-printable', 'Квот', 'Текст QP'],
    ['uzbek-latin', 'Printer ishlamayapti', "o'zbekcha matn"],
  ])('reads %s: the subject and the body come out right', async (id, subject, body) => {
    const [row] = await outcome(id);
    expect(row).toMatchObject({ status: 'ticket', subject });
    // As read: the stored HTML may write a character as an entity (an apostrophe as &#39;).
    const [{ text }] = await db().query(`SELECT description_text AS text FROM tickets WHERE type = $1 AND number = $2`, [row!.type, row!.number]);
    expect(text).toContain(body);
  });

  it('sanitizes HTML-only mail and escapes text-only mail', async () => {
    const [html] = await outcome('html-only');
    expect(html!.html).toContain('Жирный <b>текст</b>');
    expect(html!.html).not.toMatch(/script|onclick|tracker/);
    expect((await outcome('text-only'))[0]!.html).toContain('Просто текст &lt;не тег&gt;');
  });

  it('keeps the S/MIME signature, the files of winmail.dat, inline images, Cyrillic file names and every original', async () => {
    const [smime] = await outcome('smime');
    expect(smime!.html).toContain('Подписанный текст');
    expect(smime!.files).toEqual(['original-message.eml', 'smime.p7s']);
    expect((await outcome('tnef'))[0]!.files).toEqual(['original-message.eml', 'report.xlsx', 'winmail.dat']);
    expect((await outcome('inline-image'))[0]!.files).toEqual(['original-message.eml', 'screenshot.png']);
    expect((await outcome('attachment-cyrillic'))[0]!.files).toEqual(['original-message.eml', 'Акт сверки.pdf']);
  });

  it('adds Outlook, Gmail, Thunderbird and "> " replies to their ticket with the quoted history folded', async () => {
    for (const id of ['outlook-reply', 'gmail-reply', 'thunderbird-reply', 'text-quote-reply']) expect((await outcome(id))[0]).toMatchObject({ status: 'reply' });
    const bodies = await replies(replyRef);
    for (const client of ['Outlook', 'Gmail', 'Thunderbird']) {
      const body = bodies.find((html: string) => html.includes(`Ответ из ${client}.`))!;
      const [visible, folded] = body.split('<details>');
      expect(visible).not.toContain(`Старый текст ${client}`);
      expect(folded).toContain(`Старый текст ${client}`);
    }
    expect(bodies.find((html: string) => html.includes('Ответ с цитатой'))).toMatch(/<details>.*Старый текст цитаты/s);
  });

  it.each([
    ['auto-replied', 'auto_submitted'],
    ['auto-generated', 'auto_submitted'],
    ['precedence-bulk', 'precedence'],
    ['precedence-list', 'precedence'],
    ['precedence-junk', 'precedence'],
    ['x-autoreply', 'x_autoreply'],
    ['x-autorespond', 'x_autoreply'],
    ['list-id', 'list'],
    ['x-loop', 'x_loop'],
    ['own-address', 'own_address'],
  ])('opens nothing for %s (%s)', async (id, reason) => {
    expect(await outcome(id)).toEqual([{ status: 'ignored', reason, subject: null, html: null, type: null, number: null, files: null }]);
  });

  it('takes a message that asks for no auto-reply, and sends it none', async () => {
    expect((await outcome('suppress'))[0]).toMatchObject({ status: 'ticket' });
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const addressed = smtp.received.flatMap((message) => message.envelopeTo);
    expect(addressed).not.toContain('quiet@client.example');
    expect(addressed).toContain('ivan@client.example'); // others did get their confirmation
    const confirmation = smtp.received.find((message) => message.envelopeTo.includes('ivan@client.example'))!;
    expect(confirmation.mail.from!.value[0]).toEqual({ address: BOX, name: 'Corpus' });
    expect(confirmation.mail.text).toContain('Служба ИТ, тел. 123');
  });

  it('attaches a delivery report to the ticket whose mail bounced, and flags the address', async () => {
    const [row] = await db().query(`SELECT i.status, i.reason, t.subject FROM inbound_messages i JOIN tickets t ON t.id = i.ticket_id WHERE i.message_id = '<bounce@corpus.example>'`);
    expect(row).toEqual({ status: 'ignored', reason: 'bounce', subject: 'Письмо не дойдёт' });
    expect(await db().query(`SELECT kind, changes->>'recipient' AS recipient FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.subject = 'Письмо не дойдёт' AND kind = 'mail_bounced'`)).toEqual([{ kind: 'mail_bounced', recipient: 'gone@client.example' }]);
    expect((await db().query(`SELECT email_bounced_at IS NOT NULL AS flagged FROM users WHERE username = 'gone'`))[0].flagged).toBe(true);
    expect((await db().query(`SELECT status, last_error FROM mail_outbox WHERE recipients = ARRAY['gone@client.example']`))[0]).toEqual({ status: 'failed', last_error: 'bounced: smtp; 550 5.1.1 no such user' });
  });

  it('refuses mail with no sender, from stopped senders and floods; lets allowed senders through', async () => {
    expect((await outcome('no-from'))[0]).toMatchObject({ status: 'rejected', reason: 'no_sender' });
    expect((await outcome('denied'))[0]).toMatchObject({ status: 'rejected', reason: 'denied' });
    expect((await outcome('denied-sub'))[0]).toMatchObject({ status: 'rejected', reason: 'denied' });
    expect((await outcome('vip'))[0]).toMatchObject({ status: 'ticket' });
    const flood = await db().query(`SELECT status, count(*)::int AS n FROM inbound_messages WHERE sender = 'flood@client.example' GROUP BY status ORDER BY status`);
    expect(flood).toEqual([{ status: 'rejected', n: 1 }, { status: 'ticket', n: 30 }]);
  });

  it('tells apart a message without an id delivered twice (one ticket) and two messages sharing an id (two)', async () => {
    expect(await db().query(`SELECT count(*)::int AS n FROM tickets WHERE subject = 'Без Message-ID'`)).toEqual([{ n: 1 }]);
    expect((await outcome('reused')).map((row) => row.subject)).toEqual(['Первое письмо', 'Второе письмо с тем же id']);
  });

  it('quarantines a message it cannot read (an HTML body of millions of characters), keeping the original', async () => {
    const [row] = await db().query(`SELECT status, reason, raw_file_id IS NOT NULL AS kept FROM inbound_messages WHERE size_bytes > 5000000`);
    expect(row).toEqual({ status: 'quarantined', reason: 'unparseable', kept: true });
  });

  it('cuts a body longer than a ticket holds, pointing at the kept original', async () => {
    const [row] = await outcome('long-html');
    expect(row).toMatchObject({ status: 'ticket', subject: 'Длинное письмо' });
    expect(row!.html!.length).toBeLessThanOrEqual(100_000);
    expect(row!.html).toContain('[…] (original-message.eml)');
    expect(row!.files).toContain('original-message.eml');
  });

  it('flags the bounced address on the person\'s page', async () => {
    const admin = await signedInAgent(app.url, 'corpus-admin', 'corpus admin password');
    const [gone] = await db().query(`SELECT id FROM users WHERE username = 'gone'`);
    expect((await admin.get(`/admin/users/${gone.id}`).expect(200)).text).toContain('data-bounced');
  });

  it('makes people in Cc watchers, registering the one without an account', async () => {
    expect(await db().query(`SELECT u.username FROM ticket_watchers w JOIN users u ON u.id = w.user_id JOIN tickets t ON t.id = w.ticket_id WHERE t.subject = 'С копией' ORDER BY u.username`)).toEqual([{ username: 'olga' }, { username: 'unknown@else.example' }]);
  });

  it('has read at least forty different messages', async () => {
    expect((await db().query(`SELECT count(DISTINCT dedupe_key)::int AS n FROM inbound_messages`))[0].n).toBeGreaterThanOrEqual(40);
  });
});
