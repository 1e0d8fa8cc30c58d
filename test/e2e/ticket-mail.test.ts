import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import type { Actor } from '../../src/kernel/security/actor';
import { TicketService } from '../../src/tickets/ticket.service';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { startTestApp, type TestApp } from '../support/test-app';

// Requesters hear about their tickets by mail, through the outbox and a real SMTP receiver: the
// registration and staff's public replies, in the requester's language, threaded by ticket.

describe('mail to requesters about their tickets', () => {
  let smtp: SmtpReceiver;
  let app: TestApp;
  const people: Record<string, Actor> = {};
  const tickets = () => app.app.get(TicketService);
  const delivered = async (count: number) => {
    await app.app.get(OutboxWorker).deliverDue();
    const messages = await smtp.waitFor(count);
    await new Promise((resolve) => setTimeout(resolve, 150)); // anything extra would arrive now
    return messages;
  };

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', APP_URL: 'http://desk.example.test' });
    const admin = await app.app.get(AuthService).createAdmin('mail-tickets-admin', 'mail tickets admin password');
    await app.app.get(UserAdminService).create({ username: 'agent', displayName: 'Агент Смирнов', roles: ['agent'] });
    await app.app.get(UserAdminService).create({ username: 'olga', displayName: 'Ольга', email: 'olga@example.com', roles: ['requester'] });
    await app.app.get(UserAdminService).create({ username: 'no.mail', roles: ['requester'] });
    await app.boot.database.dataSource.query(`UPDATE users SET locale = 'ru' WHERE username = 'olga'`);
    const group = await app.app.get(WorkGroupService).create(admin, { name: 'Desk', active: true });
    await app.app.get(WorkGroupService).addMember(admin, group.id, 'agent');
    for (const login of ['agent', 'olga', 'no.mail']) people[login] = toActor((await app.app.get(UserRepository).findByUsername(login))!);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('confirms a registered request in the requester\'s language, with the number and a link', async () => {
    const ref = await tickets().create(people.olga!, { type: 'incident', subject: 'Не работает почта' }, 'web');
    const [message] = await delivered(1);
    expect(message!.envelopeTo).toEqual(['olga@example.com']);
    expect(message!.mail.subject).toBe(`[${ref}] Зарегистрировано: Не работает почта`);
    expect(message!.mail.text).toContain(`http://desk.example.test/portal/requests/${ref}`);
    expect(message!.mail.headers.get('references')).toMatch(/^<ticket-[0-9a-f-]{36}@desk\.example\.test>$/);
  });

  it('sends staff\'s public replies, not internal notes, and not the requester\'s own replies', async () => {
    const ref = await tickets().create(people.agent!, { type: 'incident', subject: 'VPN', requester: 'olga', group: 'Desk' }, 'web');
    await delivered(1);
    smtp.received.length = 0;
    await tickets().reply(people.agent!, ref, { kind: 'note', body: 'внутреннее' }, 'web');
    await tickets().reply(people.agent!, ref, { kind: 'reply', body: 'Перезапустите клиент' }, 'web');
    await tickets().reply(people.olga!, ref, { kind: 'reply', body: 'Спасибо' }, 'web');
    const messages = await delivered(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.mail.subject).toBe(`[${ref}] Ответ: VPN`);
    expect(messages[0]!.mail.text).toContain('Агент Смирнов ответил(а) на ваше обращение');
    expect(messages[0]!.mail.text).toContain('Перезапустите клиент');
    expect(messages[0]!.mail.text).not.toContain('внутреннее');
  });

  it('sends nothing to a requester without an address', async () => {
    await tickets().create(people.agent!, { type: 'incident', subject: 'Silent', requester: 'no.mail' }, 'web');
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(smtp.received).toHaveLength(0);
  });
});
