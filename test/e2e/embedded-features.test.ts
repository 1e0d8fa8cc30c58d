import { AuthService } from '../../src/identity/auth.service';
import { DirectorySyncService } from '../../src/identity/directory/directory-sync.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { UnitOfWork } from '../../src/kernel/database/unit-of-work';
import { OutboxService } from '../../src/kernel/mail/outbox.service';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import { TicketService } from '../../src/tickets/ticket.service';
import { MailboxPoller } from '../../src/email/mailbox-poller';
import { MailboxService } from '../../src/email/mailbox.service';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

// The default install runs on the embedded database (PGlite, one backend session): the same
// features must work there — tickets with search and automatic assignment, the outbox worker,
// mail intake, and the once-per-period job claim.

describe('identity, mail and tickets on the embedded database', () => {
  let smtp: SmtpReceiver;
  let dovecot: DovecotServer;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    dovecot = await startDovecot([{ user: 'help@embedded.example', password: 'embedded imap secret' }]);
    app = await startTestApp('embedded', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', LDAP__SYNC_MINUTES: '0' });
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
    await dovecot?.stop();
  });

  it('registers, assigns round-robin and finds tickets', async () => {
    const admin = await app.app.get(AuthService).createAdmin('embedded-admin', 'embedded admin password');
    for (const login of ['e1', 'e2']) await app.app.get(UserAdminService).create({ username: login, roles: ['agent'] });
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Desk', active: true, assignmentMode: 'round_robin' });
    for (const login of ['e1', 'e2']) await app.app.get(WorkGroupService).addMember(admin, group.id, login);
    const tickets = app.app.get(TicketService);
    const refs = [];
    for (const subject of ['Клавиатура залипает', 'Mouse broken', 'Монитор мигает']) refs.push(await tickets.create(admin, { type: 'incident', subject, group: 'Desk' }, 'web'));
    const rows = await app.boot.database.dataSource.query(`SELECT u.username FROM tickets t JOIN users u ON u.id = t.assignee_id ORDER BY t.number`);
    expect(rows.map((row: { username: string }) => row.username)).toEqual(['e1', 'e2', 'e1']);
    const found = await tickets.list(admin, { queue: 'all', search: 'клавиат' });
    expect(found.rows.map((row) => row.ref)).toEqual([refs[0]]);
    // The queue migration's trigger and partial indexes work on PGlite too: all three are open and in the group.
    expect((await tickets.list(admin, { queue: 'groups', sort: 'priority' })).rows).toHaveLength(0);
    expect((await tickets.queueCounts(admin)).get('unassigned')).toBe(0);
    const rowsOpen = await app.boot.database.dataSource.query(`SELECT count(*)::int AS n FROM tickets WHERE is_open`);
    expect(rowsOpen).toEqual([{ n: 3 }]);
  });

  it('delivers the outbox', async () => {
    await app.app.get(UnitOfWork).transaction(() =>
      app.app.get(OutboxService).enqueue({ kind: 'test', to: ['someone@example.com'], template: 'sign-in-link', lang: 'uk', vars: { name: 'Олена', link: 'http://x/y', minutes: 15 } }),
    );
    expect(await app.app.get(OutboxWorker).deliverDue()).toBe(1);
    const [message] = await smtp.waitFor(1);
    expect(message!.mail.subject).toBe('Ваше посилання для входу');
  });

  it('takes mail into tickets and replies, each message once', async () => {
    const mailboxId = await app.app.get(MailboxService).create({ name: 'Help', address: 'help@embedded.example', host: '127.0.0.1', port: dovecot.port, security: 'none', username: 'help@embedded.example', secret: 'embedded imap secret' });
    const poll = async () => (await app.app.get(MailboxPoller).poll(mailboxId))!;
    await poll(); // the mailbox starts here
    const mail = (from: string, subject: string, cc = '') =>
      `From: ${from}\r\nTo: help@embedded.example\r\n${cc ? `Cc: ${cc}\r\n` : ''}Subject: ${subject}\r\nMessage-ID: <${subject.length}.${from}>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nТекст\r\n`;
    dovecot.deliverMany('help@embedded.example', [mail('olga@client.example', 'Принтер', 'boss@client.example'), mail('ivan@client.example', 'Scanner'), mail('ivan@client.example', 'Scanner')]);
    expect((await poll()).outcomes).toEqual({ ticket: 2, duplicate: 1 });
    const [{ number }] = await app.boot.database.dataSource.query(`SELECT number FROM tickets WHERE subject = 'Принтер'`);
    dovecot.deliverMany('help@embedded.example', [mail('olga@client.example', `RE: [INC-${number}] Принтер ещё`)]);
    expect((await poll()).outcomes).toEqual({ reply: 1 });
    expect(await app.boot.database.dataSource.query(`SELECT u.email FROM ticket_watchers w JOIN users u ON u.id = w.user_id JOIN tickets t ON t.id = w.ticket_id WHERE t.number = $1`, [number])).toEqual([{ email: 'boss@client.example' }]);
  });

  it('claims a periodic job once per period', async () => {
    const sync = app.app.get(DirectorySyncService);
    expect(await sync.syncAll({ periodMs: 3_600_000 })).toEqual([]);
    expect(await sync.syncAll({ periodMs: 3_600_000 })).toBeNull();
  });
});
