import { AuthService } from '../../src/identity/auth.service';
import { MailboxPoller } from '../../src/email/mailbox-poller';
import { MailboxWatcher } from '../../src/email/mailbox-watcher';
import { MailboxService } from '../../src/email/mailbox.service';
import { startDovecot, type DovecotServer } from '../harness/dovecot';
import { eventually } from '../support/app-process';
import { startTestApp, type TestApp } from '../support/test-app';

// IMAP IDLE against a real Dovecot: with the schedule an hour away, new mail still becomes a
// ticket within moments, because a waiting connection hears of it.

const BOX = 'idle@desk.example';
const PASSWORD = 'idle imap secret';

describe('mail intake with IMAP IDLE', () => {
  let dovecot: DovecotServer;
  let app: TestApp;

  beforeAll(async () => {
    dovecot = await startDovecot([{ user: BOX, password: PASSWORD }]);
    app = await startTestApp('postgres', { MAIL__INTAKE_POLL_SECONDS: '3600', MAIL__POLL_SECONDS: '3600' });
    await app.app.get(AuthService).createAdmin('idle-admin', 'idle admin password');
  });
  afterAll(async () => {
    await app?.stop();
    await dovecot?.stop();
  });

  it('reads new mail as it arrives, without waiting for the schedule', async () => {
    const id = await app.app.get(MailboxService).create({ name: 'Idle', address: BOX, host: '127.0.0.1', port: dovecot.port, security: 'none', username: BOX, secret: PASSWORD });
    await app.app.get(MailboxPoller).poll(id); // the mailbox starts here
    await app.app.get(MailboxWatcher).rescan();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the watcher is idling now
    dovecot.deliver(BOX, `From: quick@client.example\r\nTo: ${BOX}\r\nSubject: Срочно\r\nMessage-ID: <idle-1@client.example>\r\n\r\nПрямо сейчас\r\n`);
    const db = app.boot.database.dataSource;
    await eventually(async () => (await db.query(`SELECT count(*)::int AS n FROM tickets WHERE subject = 'Срочно'`))[0].n === 1, 15_000);
  });
});
