import request from 'supertest';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { csrfOf, signedInAgent } from '../support/forms';
import { linkPath } from '../support/mail-links';
import { startTestApp, type TestApp } from '../support/test-app';

// "Forgot my password" end to end: the request page, the mail through the real outbox and SMTP,
// the link, the new password; and what must not work: unknown accounts (no hint), directory
// accounts, used, expired and forged links, too many requests.

const OLD = 'the old password here';
const NEW = 'a brand new password';

describe('password reset by e-mailed link', () => {
  let smtp: SmtpReceiver;
  let app: TestApp;
  const db = () => app.boot.database.dataSource;
  const deliver = () => app.app.get(OutboxWorker).deliverDue();

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', SECURITY__LINK_REQUESTS_PER_HOUR: '3' });
    await app.app.get(UserAdminService).create({ username: 'мария', email: 'maria@example.com', roles: ['agent'], password: OLD });
    await app.app.get(UserAdminService).create({ username: 'dir.user', email: 'dir@example.com', roles: ['agent'] });
    await db().query(`INSERT INTO directories (name, settings) VALUES ('corp', '{}')`);
    await db().query(`UPDATE users SET directory_id = (SELECT id FROM directories) WHERE username = 'dir.user'`);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  async function ask(login: string, ip = '198.51.100.1') {
    const agent = request.agent(app.url);
    const form = await agent.get('/password/forgot').expect(200);
    return agent.post('/password/forgot').set('X-Forwarded-For', ip).type('form').send({ login, _csrf: csrfOf(form.text) });
  }

  async function setPassword(path: string, password: string, confirm = password) {
    const agent = request.agent(app.url);
    const form = await agent.get(path);
    return { form, res: await agent.post(path).type('form').send({ password, confirm, _csrf: form.status === 200 ? csrfOf(form.text) : csrfOf((await agent.get('/login')).text) }) };
  }

  it('offers the way from the sign-in page', async () => {
    const page = await request(app.url).get('/login').expect(200);
    expect(page.text).toContain('href="/password/forgot"');
  });

  it('mails a link that sets a new password once and signs the person out everywhere', async () => {
    const before = await signedInAgent(app.url, 'мария', OLD);
    const asked = await ask('MARIA@example.com');
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('If that account exists');
    await deliver();
    const [message] = await smtp.waitFor(1);
    expect(message!.envelopeTo).toEqual(['maria@example.com']);
    const path = linkPath(message!, '/password/reset/');

    const weak = await setPassword(path, 'short');
    expect(weak.res.status).toBe(400);
    const mismatch = await setPassword(path, NEW, `${NEW}!`);
    expect(mismatch.res.status).toBe(400);
    const done = await setPassword(path, NEW);
    expect(done.res.status).toBe(303);
    expect(done.res.headers.location).toBe('/login');

    await before.get('/').expect(303); // the old session ended
    await signedInAgent(app.url, 'мария', NEW);
    const reused = await setPassword(path, 'yet another password');
    expect(reused.form.status).toBe(410);
    expect(reused.res.status).toBe(410);
    const events = await db().query(`SELECT event, details FROM audit_events WHERE event LIKE 'auth.password.%' ORDER BY occurred_at`);
    expect(events.map((row: { event: string }) => row.event)).toEqual(['auth.password.reset_requested', 'auth.password.reset']);
  });

  it('answers an unknown account exactly like a known one, and sends nothing', async () => {
    const known = await ask('мария', '198.51.100.2');
    const unknown = await ask('nobody@example.com', '198.51.100.2');
    expect(unknown.status).toBe(known.status);
    expect(unknown.text.replace(/name="_csrf" value="[^"]+"/, '')).toBe(known.text.replace(/name="_csrf" value="[^"]+"/, ''));
    await deliver();
    await smtp.waitFor(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('sends no link to someone who signs in through a directory', async () => {
    expect((await ask('dir.user', '198.51.100.3')).status).toBe(200);
    await deliver();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses expired and forged links', async () => {
    await ask('мария', '198.51.100.4');
    await deliver();
    const path = linkPath((await smtp.waitFor(1))[0]!, '/password/reset/');
    await db().query(`UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'password_reset' AND used_at IS NULL`);
    expect((await setPassword(path, NEW)).res.status).toBe(410);
    expect((await setPassword('/password/reset/forged-token-value', NEW)).res.status).toBe(410);
    await request(app.url).get('/password/reset/forged').expect(410);
  });

  it('limits how many links one client or one address may ask for', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(`someone${i}@example.com`, '198.51.100.9')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const perAddress: number[] = [];
    for (let i = 0; i < 4; i++) perAddress.push((await ask('target@example.com', `203.0.113.${i}`)).status);
    expect(perAddress).toEqual([200, 200, 200, 429]);
  });

  it('refuses a form without its CSRF token', async () => {
    await request(app.url).post('/password/forgot').type('form').send({ login: 'мария' }).expect(403);
  });
});
