import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { OrganisationService } from '../../src/identity/organisations/organisation.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import type { Actor } from '../../src/kernel/security/actor';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { csrfOf, signedInAgent } from '../support/forms';
import { linkPath } from '../support/mail-links';
import { startTestApp, type TestApp } from '../support/test-app';

// External requesters, end to end through the real outbox and SMTP: invitations, e-mailed sign-in
// links (single-use, expiring, never spent by merely opening them) and self-registration per
// organisation domain.

const PASSWORD = 'requesters test password';

describe('external requesters', () => {
  let smtp: SmtpReceiver;
  let app: TestApp;
  let admin: Actor;
  const db = () => app.boot.database.dataSource;
  const nextMail = async () => {
    await app.app.get(OutboxWorker).deliverDue();
    const [message] = await smtp.waitFor(1);
    smtp.received.length = 0;
    return message!;
  };

  /** Fetches a page and posts its form as a fresh visitor (or the given agent). */
  async function submit(path: string, fields: Record<string, string>, agent = request.agent(app.url), from = path) {
    const page = await agent.get(from);
    const res = await agent.post(path).type('form').send({ _csrf: csrfOf(page.status === 200 ? page.text : (await agent.get('/login')).text), ...fields });
    return { agent, page, res };
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600' });
    admin = await app.app.get(AuthService).createAdmin('req-admin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'desk.agent', email: 'agent@desk.example', roles: ['agent'], password: PASSWORD });
    await app.app.get(UserAdminService).create({ username: 'just.requester', roles: ['requester'], password: PASSWORD });
    await app.app.get(OrganisationService).create(admin, { name: 'ООО Пример', emailDomains: 'пример.рф', selfRegistration: true });
    await app.app.get(OrganisationService).create(admin, { name: 'Closed Ltd', emailDomains: 'closed.example' });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });

  describe('invitations', () => {
    it('lets an agent invite a client, who chooses a password through the link', async () => {
      const agent = await signedInAgent(app.url, 'desk.agent', PASSWORD);
      const sent = await submit('/requesters/invite', { email: 'Client@Northwind.example', displayName: 'Клиент Иванов', organisation: 'ООО Пример' }, agent);
      expect(sent.res.status).toBe(303);
      const message = await nextMail();
      expect(message.envelopeTo).toEqual(['Client@northwind.example']);
      expect(message.mail.subject).toBe('You are invited to the service desk');
      const path = linkPath(message, '/invite/');
      const [created] = await db().query(`SELECT u.roles, u.active, u.password_hash, o.name AS organisation FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = 'Client@northwind.example'`);
      expect(created).toEqual({ roles: ['requester'], active: true, password_hash: null, organisation: 'ООО Пример' });

      const accepted = await submit(path, { password: 'my own password 1', confirm: 'my own password 1' });
      expect(accepted.page.text).toContain('Welcome, Клиент Иванов.');
      expect(accepted.res.status).toBe(303);
      await accepted.agent.get('/portal').expect(200);
      await signedInAgent(app.url, 'client@northwind.example', 'my own password 1');
      expect((await submit(path, {})).res.status).toBe(410);
    });

    it('refuses an address already in use, and people who may not invite', async () => {
      const agent = await signedInAgent(app.url, 'desk.agent', PASSWORD);
      const taken = await submit('/requesters/invite', { email: 'client@NORTHWIND.example', displayName: 'Дубль' }, agent);
      expect(taken.res.status).toBe(409);
      expect(taken.res.text).toContain('value="Дубль"');
      const requester = await signedInAgent(app.url, 'just.requester', PASSWORD);
      await requester.get('/requesters/invite').expect(403);
    });
  });

  describe('sign-in links', () => {
    it('signs a requester in by a link that opening alone does not spend, and only once', async () => {
      const asked = await submit('/login/link', { email: 'client@northwind.example' });
      expect(asked.res.status).toBe(200);
      const path = linkPath(await nextMail(), '/login/link/');
      const visitor = request.agent(app.url);
      const opened = await visitor.get(path).expect(200);
      expect(opened.text).toContain(`action="${path}"`);
      await visitor.get('/portal').expect(303); // not signed in by opening the link
      await visitor.post(path).type('form').send({ _csrf: csrfOf(opened.text) }).expect(303);
      await visitor.get('/portal').expect(200);
      expect((await submit(path, {})).res.status).toBe(410);
    });

    it('refuses an expired link', async () => {
      await submit('/login/link', { email: 'client@northwind.example' });
      const path = linkPath(await nextMail(), '/login/link/');
      await db().query(`UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE purpose = 'sign_in_link' AND used_at IS NULL`);
      expect((await submit(path, {})).res.status).toBe(410);
    });

    it('sends staff no link and says the same as for a requester', async () => {
      const staff = await submit('/login/link', { email: 'agent@desk.example' });
      const unknown = await submit('/login/link', { email: 'ghost@desk.example' });
      expect(staff.res.status).toBe(200);
      expect(unknown.res.text.replace(/value="[^"]*"/g, '')).toBe(staff.res.text.replace(/value="[^"]*"/g, ''));
      await app.app.get(OutboxWorker).deliverDue();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(smtp.received).toHaveLength(0);
    });
  });

  describe('self-registration', () => {
    it('is offered on the sign-in page when an organisation allows it', async () => {
      expect((await request(app.url).get('/login').expect(200)).text).toContain('href="/register"');
    });

    it('registers an address in an open domain (IDN), active only once confirmed', async () => {
      const registered = await submit('/register', { email: 'ivan@пример.рф', displayName: 'Иван' });
      expect(registered.res.status).toBe(200);
      const message = await nextMail();
      // Sent to the ASCII form; the receiver may show the domain decoded again.
      expect(['ivan@xn--e1afmkfd.xn--p1ai', 'ivan@пример.рф']).toContain(message.envelopeTo[0]);
      const [queued] = await db().query(`SELECT recipients FROM mail_outbox WHERE kind = 'registration' ORDER BY created_at DESC LIMIT 1`);
      expect(queued.recipients).toEqual(['ivan@xn--e1afmkfd.xn--p1ai']);
      const [pending] = await db().query(`SELECT active, roles FROM users WHERE email = 'ivan@xn--e1afmkfd.xn--p1ai'`);
      expect(pending).toEqual({ active: false, roles: ['requester'] });
      const path = linkPath(message, '/register/confirm/');
      const confirmed = await submit(path, {});
      expect(confirmed.res.status).toBe(303);
      await confirmed.agent.get('/portal').expect(200);
      const [active] = await db().query(`SELECT u.active, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.email = 'ivan@xn--e1afmkfd.xn--p1ai'`);
      expect(active).toEqual({ active: true, name: 'ООО Пример' });
    });

    it('refuses a domain that is not open, keeping what was typed', async () => {
      const closed = await submit('/register', { email: 'bob@closed.example', displayName: 'Bob' });
      expect(closed.res.status).toBe(403);
      expect(closed.res.text).toContain('Registration is not open for addresses in this domain.');
      expect(closed.res.text).toContain('value="bob@closed.example"');
    });

    it('tells an existing account holder by mail instead of making a second account', async () => {
      await submit('/register', { email: 'IVAN@пример.рф', displayName: 'Иван 2' });
      const message = await nextMail();
      expect(message.mail.subject).toBe('You already have an account');
      const [{ n }] = await db().query(`SELECT count(*)::int AS n FROM users WHERE lower(email) = 'ivan@xn--e1afmkfd.xn--p1ai'`);
      expect(n).toBe(1);
    });
  });
});
