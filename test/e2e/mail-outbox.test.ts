import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { verifiedMessageId } from '../../src/kernel/mail/message-id';
import { OutboxService, type MailRequest } from '../../src/kernel/mail/outbox.service';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The transactional outbox against real PostgreSQL and a real SMTP receiver: mail exists only if
// its transaction commits, survives the SMTP server being down, is sent once even by two app
// instances, and refuses header injection.

const mail = (to: string[], extra: Partial<MailRequest> = {}): MailRequest => ({
  kind: 'test',
  to,
  template: 'sign-in-link',
  lang: 'ru',
  vars: { name: 'Иван', link: 'http://localhost:3000/login/link/x', minutes: 15 },
  ...extra,
});

describe('mail outbox', () => {
  let smtp: SmtpReceiver;
  let app: TestApp;
  const db = () => app.boot.database.dataSource;
  const enqueue = (request: MailRequest, target: TestApp = app) =>
    target.app.get(UnitOfWork).transaction(() => target.app.get(OutboxService).enqueue(request));
  const deliver = (target: TestApp = app) => target.app.get(OutboxWorker).deliverDue();
  const env = (port: number) => ({ MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(port), MAIL__POLL_SECONDS: '3600', MAIL__MAX_ATTEMPTS: '2', APP_URL: 'http://desk.example.test' });

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', env(smtp.port));
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('sends a committed message in the recipient\'s language with threading and auto-reply headers', async () => {
    const id = await enqueue(mail(['Ivan@Example.com']));
    expect(await deliver()).toBe(1);
    const [received] = await smtp.waitFor(1);
    expect(received!.envelopeTo).toEqual(['Ivan@example.com']);
    expect(received!.mail.subject).toBe('Ваша ссылка для входа');
    expect(received!.mail.text).toContain('Здравствуйте, Иван!');
    expect(received!.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(verifiedMessageId(received!.mail.messageId!, app.boot.config.secretKey.value)).toBe(id);
    expect(received!.mail.messageId).toMatch(/@desk\.example\.test>$/);
    const [row] = await db().query(`SELECT status, attempts, sent_at IS NOT NULL AS sent FROM mail_outbox WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'sent', attempts: 1, sent: true });
  });

  it('writes nothing when the surrounding transaction rolls back', async () => {
    const before = (await db().query(`SELECT count(*)::int AS n FROM mail_outbox`))[0].n;
    await expect(
      app.app.get(UnitOfWork).transaction(async () => {
        await app.app.get(OutboxService).enqueue(mail(['rollback@example.com']));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect((await db().query(`SELECT count(*)::int AS n FROM mail_outbox`))[0].n).toBe(before);
  });

  it('keeps mail while the SMTP server is down and delivers it, once, when it is back', async () => {
    const port = smtp.port;
    await smtp.stop();
    const ids = [await enqueue(mail(['a@example.com'])), await enqueue(mail(['b@example.com'])), await enqueue(mail(['c@example.com']))];
    await deliver();
    const waiting = await db().query(`SELECT status, attempts, last_error FROM mail_outbox WHERE id = ANY($1)`, [ids]);
    expect(waiting.every((row: { status: string; attempts: number; last_error: string }) => row.status === 'pending' && row.attempts === 1 && row.last_error.includes('ECONNREFUSED'))).toBe(true);
    expect(await deliver()).toBe(0); // not due yet: the next attempt waits a minute

    smtp = await startSmtpReceiver(port);
    await db().query(`UPDATE mail_outbox SET next_attempt_at = now() WHERE id = ANY($1)`, [ids]); // the minute has passed
    expect(await deliver()).toBe(3);
    await smtp.waitFor(3);
    expect(await deliver()).toBe(0);
    expect(smtp.received.map((message) => message.envelopeTo[0]).sort()).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('marks mail failed after the last attempt and lets an admin send it again', async () => {
    const port = smtp.port;
    await smtp.stop();
    const id = await enqueue(mail(['late@example.com']));
    await deliver();
    await db().query(`UPDATE mail_outbox SET next_attempt_at = now() WHERE id = $1`, [id]);
    await deliver();
    expect((await db().query(`SELECT status, attempts FROM mail_outbox WHERE id = $1`, [id]))[0]).toEqual({ status: 'failed', attempts: 2 });

    smtp = await startSmtpReceiver(port);
    await app.app.get(AuthService).createAdmin('mail-admin', 'mail admin password');
    const admin = await signedInAgent(app.url, 'mail-admin', 'mail admin password');
    const page = await admin.get('/admin/mail?status=failed').expect(200);
    expect(page.text).toContain(`data-mail="${id}" data-status="failed"`);
    await admin.post(`/admin/mail/${id}/retry`).type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
    await smtp.waitFor(1);
    await deliver(); // the retry's own run may still be finishing
    expect((await db().query(`SELECT status FROM mail_outbox WHERE id = $1`, [id]))[0].status).toBe('sent');
    await admin.post(`/admin/mail/${id}/retry`).type('form').send({ _csrf: csrfOf(page.text) }).expect(404); // only failed mail
  });

  it('sends 500 recipients one message, each address once, and logs the ones that are not addresses', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `user${i}@example.com`);
    const id = await enqueue(mail([...many, 'USER0@example.com', 'not an address', 'x@y.z\r\nBcc: victim@example.com']));
    await deliver();
    const [received] = await smtp.waitFor(1);
    expect(received!.envelopeTo).toHaveLength(500);
    expect(received!.envelopeTo).not.toContain('victim@example.com');
    const [row] = await db().query(`SELECT status, rejected_recipients FROM mail_outbox WHERE id = $1`, [id]);
    expect(row).toEqual({ status: 'sent', rejected_recipients: ['not an address', 'x@y.z  Bcc: victim@example.com'] });
  });

  it('refuses header injection before anything is queued', async () => {
    await expect(enqueue(mail(['a@example.com'], { headers: { 'In-Reply-To': '<a@b>\r\nBcc: victim@example.com' } }))).rejects.toMatchObject({ code: 'mail_header_invalid' });
    await expect(enqueue(mail(['a@example.com'], { headers: { 'Bad Header:': 'x' } }))).rejects.toMatchObject({ code: 'mail_header_invalid' });
  });

  it('sends from a message\'s own sender (a mailbox\'s), and refuses one that could forge headers', async () => {
    const id = await enqueue(mail(['a@example.com'], { from: { address: 'Support@Пример.рф', name: 'Служба поддержки' } }));
    expect((await db().query(`SELECT from_address FROM mail_outbox WHERE id = $1`, [id]))[0].from_address).toBe('Support@xn--e1afmkfd.xn--p1ai');
    await deliver();
    const [received] = await smtp.waitFor(1);
    // The receiving parser shows the IDN domain in Unicode again.
    expect(received!.mail.from!.value).toEqual([{ address: 'Support@пример.рф', name: 'Служба поддержки' }]);
    await expect(enqueue(mail(['a@example.com'], { from: { address: 'desk@example.com', name: 'Desk\r\nBcc: victim@example.com' } }))).rejects.toMatchObject({ code: 'mail_header_invalid' });
    await expect(enqueue(mail(['a@example.com'], { from: { address: 'not an address' } }))).rejects.toMatchObject({ code: 'mail_header_invalid' });
  });

  it('fails a message with no deliverable recipient at once, without retries', async () => {
    const id = await enqueue(mail(['nobody']));
    await deliver();
    expect((await db().query(`SELECT status, last_error FROM mail_outbox WHERE id = $1`, [id]))[0]).toEqual({ status: 'failed', last_error: 'no valid recipient' });
  });

  it('delivers each message exactly once when two app instances share the outbox', async () => {
    const other = await startTestApp('postgres', { ...env(smtp.port), DATABASE_URL: app.boot.config.get('database_url')!, SECRET_KEY: app.boot.config.secretKey.value });
    try {
      for (let i = 0; i < 40; i++) await enqueue(mail([`shared${i}@example.com`]), i % 2 ? other : app);
      const [mine, theirs] = await Promise.all([deliver(app), deliver(other)]);
      expect(mine + theirs).toBe(40);
      await smtp.waitFor(40);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive now
      const ids = smtp.received.map((message) => message.mail.messageId);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
    } finally {
      await other.stop();
    }
  });
});

describe('mail template preview', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('preview-admin', 'preview admin password');
    await app.app.get(UserAdminService).create({ username: 'preview-agent', roles: ['agent'], password: 'preview agent password' });
  });
  afterAll(() => app.stop());

  it('shows administrators every template in every language, with example values', async () => {
    const admin = await signedInAgent(app.url, 'preview-admin', 'preview admin password');
    const list = (await admin.get('/admin/mail/templates').expect(200)).text;
    for (const name of ['ticket-registered', 'ticket-reply', 'ticket-resolved', 'ticket-rejected', 'password-reset', 'invitation']) expect(list).toContain(`<option value="${name}"`);
    const ru = (await admin.get('/admin/mail/templates?name=ticket-resolved&lang=ru').expect(200)).text;
    expect(ru).toContain('[INC-42] Решено: Printer on the 3rd floor does not print');
    expect(ru).toContain('The print queue was cleared.');
    const uz = (await admin.get('/admin/mail/templates?name=ticket-rejected&lang=uz').expect(200)).text;
    expect(uz).toContain('Yechim rad etildi');
    // A name that is not a template (a path, say) falls back to the first template rather than reading a file.
    const traversal = (await admin.get('/admin/mail/templates?name=..%2F..%2Fpackage').expect(200)).text;
    expect(traversal).not.toContain('"name": "opora"');
    const agent = await signedInAgent(app.url, 'preview-agent', 'preview agent password');
    await agent.get('/admin/mail/templates').expect(403);
  });
});
