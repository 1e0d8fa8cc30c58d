import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { toActor, UserRepository } from '../../src/identity/user.repository';
import { I18nService } from '../../src/kernel/i18n/i18n.service';
import { verifiedMessageId } from '../../src/kernel/mail/message-id';
import { OutboxWorker } from '../../src/kernel/mail/outbox.worker';
import type { Actor } from '../../src/kernel/security/actor';
import { TicketService } from '../../src/tickets/ticket.service';
import { startSmtpReceiver, type SmtpReceiver } from '../harness/smtp';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Notifications per event, recipient role and channel, against real PostgreSQL and a real SMTP
// receiver: who hears of what, in their own language, with threading and auto-reply headers;
// the bell's entries and count; people's own preferences; the administrators' matrix; and one
// mail for everyone sharing an address.

const PASSWORD = 'notification test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('notifications', () => {
  let smtp: SmtpReceiver;
  let app: TestApp;
  let ref: string;
  const people: Record<string, Actor> = {};
  const browsers: Record<string, Agent> = {};
  const db = () => app.boot.database.dataSource;
  const tickets = () => app.app.get(TicketService);
  const delivered = async (count: number) => {
    await app.app.get(OutboxWorker).deliverDue();
    const messages = await smtp.waitFor(count);
    await new Promise((resolve) => setTimeout(resolve, 150)); // anything extra would arrive now
    return [...messages];
  };
  const bell = async (login: string): Promise<string[]> => (await db().query(`SELECT n.event FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = $1 AND n.read_at IS NULL ORDER BY n.created_at`, [login])).map((row: { event: string }) => row.event);
  const version = async () => (await db().query(`SELECT version FROM tickets WHERE number = $1`, [ref.split('-')[1]]))[0].version as number;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    app = await startTestApp('postgres', { MAIL__SMTP_HOST: '127.0.0.1', MAIL__SMTP_PORT: String(smtp.port), MAIL__POLL_SECONDS: '3600', APP_URL: 'http://desk.example.test' });
    const admin = await app.app.get(AuthService).createAdmin('notify-admin', PASSWORD);
    const create = app.app.get(UserAdminService);
    await create.create({ username: 'taras', displayName: 'Тарас', email: 'taras@desk.example', roles: ['agent'], password: PASSWORD });
    await create.create({ username: 'lena', displayName: 'Лена', email: 'lena@desk.example', roles: ['group_lead'], password: PASSWORD });
    await create.create({ username: 'olga', displayName: 'Ольга', email: 'olga@client.example', roles: ['requester'], password: PASSWORD });
    await db().query(`UPDATE users SET locale = 'uk' WHERE username = 'taras'`);
    await db().query(`UPDATE users SET locale = 'ru' WHERE username = 'olga'`);
    const groups = app.app.get(WorkGroupService);
    const line = await groups.create(admin, { name: 'Line 1', lead: 'lena', active: true });
    await groups.addMember(admin, line.id, 'taras'); // the lead is a member already
    for (const login of ['taras', 'lena', 'olga']) people[login] = toActor((await app.app.get(UserRepository).findByUsername(login))!);
    for (const login of ['taras', 'olga', 'notify-admin']) browsers[login] = await signedInAgent(app.url, login, PASSWORD);
  });
  afterAll(async () => {
    await app?.stop();
    await smtp?.stop();
  });
  beforeEach(() => {
    smtp.received.length = 0;
  });

  it('confirms a registration to the requester by mail and tells the group in the app', async () => {
    ref = await tickets().create(people.olga!, { type: 'incident', subject: 'Не работает VPN', description: 'С утра', group: undefined, service: undefined }, 'web');
    await tickets().assign(people.lena!, ref, { group: 'Line 1', version: await version() }, 'web');
    const mail = await delivered(1);
    expect(mail.map((message) => message.envelopeTo)).toEqual([['olga@client.example']]);
    expect(mail[0]!.mail.subject).toBe(`[${ref}] Зарегистрировано: Не работает VPN`);
    expect(await bell('taras')).toEqual(['assigned']);
    expect(await bell('lena')).toEqual([]); // she acted
    const page = await browsers.taras!.get('/tickets').expect(200);
    expect(page.text).toMatch(/data-bell-count>1</);
    expect(page.text).toMatch(/<title>\(1\) /);
  });

  it('mails the assignee in their language, threaded, marked automatic, with a verifiable Message-ID', async () => {
    await tickets().assign(people.lena!, ref, { group: 'Line 1', assignee: 'taras', version: await version() }, 'web');
    const [message] = await delivered(1);
    expect(message!.envelopeTo).toEqual(['taras@desk.example']);
    expect(message!.mail.subject).toBe(`[${ref}] Призначення: Не работает VPN`);
    expect(message!.mail.text).toContain('Лена призначив(ла) заявку');
    expect(message!.mail.text).toContain(`http://desk.example.test/tickets/${ref}`);
    expect(message!.mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(message!.mail.headers.get('references')).toMatch(/^<ticket-[0-9a-f-]{36}@desk\.example\.test>$/);
    expect(verifiedMessageId(message!.mail.messageId!, app.boot.config.secretKey.value)).not.toBeNull();
  });

  it('tells the requester of a public reply (by mail and in the portal\'s bell), not of a note; the assignee of the requester\'s answer', async () => {
    await tickets().reply(people.taras!, ref, { kind: 'reply', body: 'Перезагрузите клиент' }, 'web');
    await tickets().reply(people.taras!, ref, { kind: 'note', body: 'Похоже на сертификат' }, 'web');
    const [toOlga] = await delivered(1);
    expect(toOlga!.envelopeTo).toEqual(['olga@client.example']);
    expect(toOlga!.mail.text).toContain('Перезагрузите клиент');
    expect(await bell('olga')).toEqual(['replied']);
    expect((await browsers.olga!.get('/portal').expect(200)).text).toMatch(/data-bell-count>1</);
    await browsers.olga!.get(`/portal/requests/${ref}`).expect(200);
    expect(await bell('olga')).toEqual([]); // reading the request reads its notifications
    smtp.received.length = 0;
    await tickets().reply(people.olga!, ref, { kind: 'reply', body: 'Не помогло' }, 'web');
    const [toTaras] = await delivered(1);
    expect(toTaras!.envelopeTo).toEqual(['taras@desk.example']);
    expect(toTaras!.mail.subject).toBe(`[${ref}] Нова відповідь: Не работает VPN`);
    expect(toTaras!.mail.text).toContain('Не помогло');
  });

  it('reaches a mentioned colleague, and respects what they switched off for themselves', async () => {
    const lena = await signedInAgent(app.url, 'lena', PASSWORD);
    await tickets().reply(people.taras!, ref, { kind: 'note', body: '@lena посмотри сертификат' }, 'web');
    const mail = await delivered(1);
    expect(mail.map((message) => message.envelopeTo)).toEqual([['lena@desk.example']]);
    expect(mail[0]!.mail.subject).toBe(`[${ref}] You were mentioned: Не работает VPN`);
    expect(await bell('lena')).toContain('mentioned');
    const settings = await lena.get('/notifications/settings').expect(200);
    const wanted = [...settings.text.matchAll(/name="cell" value="([^"]+)" checked/g)].map((match) => match[1]!).filter((cell) => cell !== 'mentioned:email');
    await lena.post('/notifications/settings').type('form').send(`_csrf=${encodeURIComponent(csrfOf(settings.text))}&${wanted.map((cell) => `cell=${encodeURIComponent(cell)}`).join('&')}`).expect(303);
    expect((await lena.get('/notifications/settings').expect(200)).text).toMatch(/value="mentioned:in_app" checked/);
    expect((await lena.get('/notifications/settings').expect(200)).text).not.toMatch(/value="mentioned:email" checked/);
    smtp.received.length = 0;
    await tickets().reply(people.taras!, ref, { kind: 'note', body: '@lena ещё раз' }, 'web');
    await app.app.get(OutboxWorker).deliverDue();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(smtp.received).toHaveLength(0);
    expect((await bell('lena')).filter((event: string) => event === 'mentioned')).toHaveLength(2);
  });

  it('shows the bell: newest first, opening one reads it and goes to its ticket, others\' entries stay closed', async () => {
    const list = await browsers.taras!.get('/notifications').expect(200);
    expect(list.text).toContain(`Ольга відповів(ла) в ${ref}: Не работает VPN`);
    const [own] = await db().query(`SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'taras' AND n.read_at IS NULL LIMIT 1`);
    const [foreign] = await db().query(`SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'lena' AND n.read_at IS NULL LIMIT 1`);
    expect((await browsers.taras!.get(`/notifications/${foreign.id}`).expect(303)).headers.location).toBe('/notifications');
    expect((await db().query(`SELECT read_at FROM notifications WHERE id = $1`, [foreign.id]))[0].read_at).toBeNull();
    expect((await browsers.taras!.get(`/notifications/${own.id}`).expect(303)).headers.location).toBe(`/tickets/${ref}`);
    const poll = await browsers.taras!.get('/notifications/poll').expect(200);
    expect(poll.body).toMatchObject({ count: expect.any(Number), fresh: [] });
    const since = new Date(Date.now() - 60_000).toISOString();
    await tickets().changeStatus(people.lena!, ref, { status: 'in_progress', version: await version() }, 'web');
    const fresh = (await browsers.taras!.get(`/notifications/poll?since=${encodeURIComponent(since)}`).expect(200)).body;
    const status = app.app.get(I18nService).t('uk', 'tickets.statuses.in_progress');
    expect(fresh.fresh.map((entry: { text: string }) => entry.text)).toContain(`Лена перевів(ла) ${ref} у статус «${status}»: Не работает VPN`);
    const page = await browsers.taras!.get('/notifications').expect(200);
    await browsers.taras!.post('/notifications/read-all').type('form').send({ _csrf: csrfOf(page.text) }).expect(303);
    expect(await bell('taras')).toEqual([]);
  });

  it('lets administrators change the matrix; 23 people sharing one address get one mail', async () => {
    const page = await browsers['notify-admin']!.get('/admin/notifications').expect(200);
    const ticked = [...page.text.matchAll(/name="cell" value="([^"]+)" checked/g)].map((match) => match[1]!);
    const cells = [...ticked.filter((cell) => cell !== 'created:requester:email'), 'created:group:email'];
    await browsers['notify-admin']!.post('/admin/notifications').type('form').send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&${cells.map((cell) => `cell=${encodeURIComponent(cell)}`).join('&')}`).expect(303);
    expect(await db().query(`SELECT event, role, channel, enabled FROM notification_rules ORDER BY enabled`)).toEqual([
      { event: 'created', role: 'requester', channel: 'email', enabled: false },
      { event: 'created', role: 'group', channel: 'email', enabled: true },
    ]);
    const admin = toActor((await app.app.get(UserRepository).findByUsername('notify-admin'))!);
    const groups = app.app.get(WorkGroupService);
    const shared = await groups.create(admin, { name: 'Shared mailbox', active: true });
    for (let i = 0; i < 23; i += 1) {
      await app.app.get(UserAdminService).create({ username: `shared-${i}`, email: i % 2 ? 'Team@Shared.example' : 'team@shared.example', roles: ['agent'] });
      await groups.addMember(admin, shared.id, `shared-${i}`);
    }
    smtp.received.length = 0;
    await tickets().create(people.olga!, { type: 'incident', subject: 'Для общей почты', group: undefined }, 'web');
    const newRef = `INC-${(await db().query(`SELECT max(number) AS n FROM tickets`))[0].n}`;
    await tickets().assign(people.lena!, newRef, { group: 'Shared mailbox', version: (await db().query(`SELECT version FROM tickets WHERE number = $1`, [newRef.split('-')[1]]))[0].version }, 'web');
    expect(smtp.received).toHaveLength(0);
    await db().query(`DELETE FROM mail_outbox`);
    await tickets().create(people.lena!, { type: 'incident', subject: 'Сразу в группу', requester: 'olga', group: 'Shared mailbox' }, 'web');
    const mail = await delivered(1);
    expect(mail.map((message) => message.envelopeTo.map((address) => address.toLowerCase()))).toEqual([['team@shared.example']]);
    expect(await db().query(`SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username LIKE 'shared-%' AND n.event = 'created'`)).toEqual([{ n: 23 }]);
  });
});
