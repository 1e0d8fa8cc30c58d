import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { ApiTokenService } from '../../src/identity/tokens/api-token.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { HookBus } from '../../src/kernel/hooks/hook-bus';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The requester's answer to a resolution against real PostgreSQL: rejecting with a reason reopens
// the ticket, puts the reason in the conversation and queues mail to the assignee in their
// language; accepting with a rating closes it and records the score. Only the requester answers,
// only while the ticket is resolved.

const PASSWORD = 'satisfaction test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

describe('accept, reject and rate a resolution', () => {
  let app: TestApp;
  let agent: Agent;
  let client: Agent;
  let other: Agent;
  let ref: string;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('sat-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'sat-agent', displayName: 'Исполнитель', email: 'agent@desk.example', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'sat-client', displayName: 'Заявитель', email: 'client@example.com', roles: ['requester'], password: PASSWORD });
    await people.create({ username: 'sat-other', roles: ['requester'], password: PASSWORD });
    await db().query(`UPDATE users SET locale = 'ru' WHERE username = 'sat-agent'`);
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Sat desk', active: true })).id, 'sat-agent');
    agent = await signedInAgent(app.url, 'sat-agent', PASSWORD);
    client = await signedInAgent(app.url, 'sat-client', PASSWORD);
    other = await signedInAgent(app.url, 'sat-other', PASSWORD);
    const form = await agent.get('/tickets/new').expect(200);
    ref = (await agent.post('/tickets').type('form').send({ _csrf: csrfOf(form.text), type: 'incident', subject: 'Не работает сканер', requester: 'sat-client', group: 'Sat desk', assignee: 'sat-agent' }).expect(303)).headers.location!.replace('/tickets/', '');
  });
  afterAll(() => app.stop());

  async function resolve() {
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    const version = /data-version="(\d+)"/.exec(page.text)![1]!;
    await agent.post(`/tickets/${ref}/status`).type('form').send({ _csrf: csrfOf(page.text), status: 'resolved', version, resolutionCode: 'fixed', resolutionText: 'Драйвер обновлён' }).expect(303);
  }
  const post = async (who: Agent, action: string, fields: Record<string, string>) => {
    const page = await who.get(`/tickets/${ref}`);
    return who.post(`/tickets/${ref}/${action}`).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  };

  it('asks only the requester, and only once the ticket is resolved', async () => {
    expect((await client.get(`/tickets/${ref}`).expect(200)).text).not.toContain('data-answer');
    expect((await post(client, 'accept', { score: '5' })).status).toBe(409);
    await resolve();
    expect((await client.get(`/tickets/${ref}`).expect(200)).text).toContain('data-answer');
    expect((await agent.get(`/tickets/${ref}`).expect(200)).text).not.toContain('data-answer');
    expect((await post(agent, 'accept', { score: '5' })).status).toBe(404);
    await other.post(`/tickets/${ref}/accept`).type('form').send({ _csrf: csrfOf((await other.get('/tickets').expect(200)).text), score: '1' }).expect(404);
  });

  it('rejects with a reason: reopens, adds the reason, tells the assignee in their language', async () => {
    const empty = await post(client, 'reject', { reason: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Tell us what is still wrong.');
    expect((await post(client, 'reject', { reason: 'Сканер всё ещё не видит сеть' })).status).toBe(303);
    const [row] = await db().query(`SELECT status, resolved_at FROM tickets`);
    expect(row).toEqual({ status: 'in_progress', resolved_at: null });
    expect((await agent.get(`/tickets/${ref}`).expect(200)).text).toContain('Сканер всё ещё не видит сеть');
    const mail = await db().query(`SELECT recipients, subject, text_body AS body FROM mail_outbox WHERE kind = 'ticket_rejected'`);
    expect(mail).toHaveLength(1);
    expect(mail[0].recipients).toEqual(['agent@desk.example']);
    expect(mail[0].subject).toBe(`[${ref}] Решение отклонено: Не работает сканер`);
    expect(mail[0].body).toContain('Заявитель не считает заявку');
    expect(mail[0].body).toContain('Сканер всё ещё не видит сеть');
    const kinds = (await db().query(`SELECT kind FROM ticket_events ORDER BY id`)).map((e: { kind: string }) => e.kind);
    expect(kinds.slice(-2)).toEqual(['rejected', 'status_changed']);
    // It goes through the notification matrix: the assignee's bell has it, the requester's does not.
    const bell = await db().query(`SELECT u.username FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.event = 'rejected'`);
    expect(bell).toEqual([{ username: 'sat-agent' }]);
  });

  it('accepts with a rating: closes the ticket and keeps the score for reports', async () => {
    await resolve();
    expect((await post(client, 'accept', { score: '9' })).status).toBe(400);
    expect((await post(client, 'accept', { score: '4', comment: 'Спасибо, быстро' })).status).toBe(303);
    expect(await db().query(`SELECT status FROM tickets`)).toEqual([{ status: 'closed' }]);
    expect(await db().query(`SELECT score, comment FROM ticket_ratings`)).toEqual([{ score: 4, comment: 'Спасибо, быстро' }]);
    expect((await post(client, 'accept', { score: '5' })).status).toBe(409);
  });

  it('takes the same answers through the API', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'sat-client'`);
    const { token } = await app.app.get(ApiTokenService).create(id, { name: 's', scopes: ['tickets:read', 'tickets:write'] });
    const created = (await request(app.url).post('/api/v1/tickets').set('Authorization', `Bearer ${token}`).send({ type: 'incident', subject: 'API' }).expect(201)).body;
    await request(app.url).post(`/api/v1/tickets/${created.ref}/accept`).set('Authorization', `Bearer ${token}`).send({ score: 5 }).expect(409);
    await db().query(`UPDATE tickets SET status = 'resolved', resolved_at = now() WHERE subject = 'API'`);
    const accepted = await request(app.url).post(`/api/v1/tickets/${created.ref}/accept`).set('Authorization', `Bearer ${token}`).send({ score: 5 }).expect(201);
    expect(accepted.body.status).toBe('closed');
  });
});

describe('one-click answers from the resolution mail', () => {
  let app: TestApp;
  let agent: Agent;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('mail-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'mail-agent', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'mail-client', displayName: 'Ольга', email: 'olga@example.com', roles: ['requester'] });
    await db().query(`UPDATE users SET locale = 'uk' WHERE username = 'mail-client'`);
    agent = await signedInAgent(app.url, 'mail-agent', PASSWORD);
  });
  afterAll(() => app.stop());

  /** Registers a ticket for the client, resolves it, and returns its number and the mailed answer links. */
  async function resolvedTicket(subject: string): Promise<{ ref: string; links: string[] }> {
    const form = await agent.get('/tickets/new').expect(200);
    const ref = (await agent.post('/tickets').type('form').send({ _csrf: csrfOf(form.text), type: 'incident', subject, requester: 'mail-client' }).expect(303)).headers.location!.replace('/tickets/', '');
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    await agent.post(`/tickets/${ref}/status`).type('form').send({ _csrf: csrfOf(page.text), status: 'resolved', version: '1', resolutionCode: 'fixed', resolutionText: 'Замінили картридж' }).expect(303);
    const [mail] = await db().query(`SELECT subject, text_body AS body FROM mail_outbox WHERE kind = 'ticket_resolved' AND subject LIKE $1`, [`[${ref}]%`]);
    expect(mail.subject).toBe(`[${ref}] Вирішено: ${subject}`);
    expect(mail.body).toContain('Замінили картридж');
    return { ref, links: [...mail.body.matchAll(/https?:\/\/\S+\/answers\/\S+/g)].map((match: RegExpMatchArray) => match[0]) };
  }

  const pathOf = (link: string) => new URL(link).pathname + new URL(link).search;

  it('mails a face per score and a "not solved" link; opening one only shows the answer', async () => {
    const { ref, links } = await resolvedTicket('Не друкує принтер');
    expect(links).toHaveLength(6);
    const visitor = request.agent(app.url);
    // A mail scanner following every link answers nothing.
    for (const link of links) await visitor.get(pathOf(link)).expect(200);
    expect(await db().query(`SELECT status FROM tickets WHERE 'INC-' || number = $1`, [ref])).toEqual([{ status: 'resolved' }]);

    const four = links.find((link) => link.endsWith('score=4'))!;
    const page = await visitor.get(pathOf(four)).expect(200);
    expect(page.text).toMatch(/value="4" checked/);
    const action = new URL(four).pathname;
    const done = await visitor.post(`${action}/accept`).type('form').send({ _csrf: csrfOf(page.text), score: '4', comment: 'Дякую' });
    expect(done.status).toBe(303);
    expect(await db().query(`SELECT t.status, r.score, r.comment FROM tickets t JOIN ticket_ratings r ON r.ticket_id = t.id WHERE 'INC-' || t.number = $1`, [ref])).toEqual([{ status: 'closed', score: 4, comment: 'Дякую' }]);

    // Single use: the same link, or another one of the same mail, is spent.
    const again = await visitor.get(pathOf(links[0]!));
    expect(again.status).toBe(410);
    expect(again.text).toContain('data-link-dead');
    expect((await visitor.post(`${action}/reject`).type('form').send({ _csrf: csrfOf(page.text), reason: 'ще раз' })).status).toBe(410);
  });

  it('shows staff the delivery log of a ticket, and lets plugins change recipients and content', async () => {
    const hooks = app.app.get(HookBus);
    const offRecipients = hooks.addFilter('mail.message.recipients', (to, { about }) => (about?.startsWith('ticket:') ? [...to, 'archive@desk.example', 'not an address'] : to));
    const offContent = hooks.addFilter('mail.message.content', (mail) => ({ ...mail, subject: `${mail.subject} [копия]` }));
    let ref: string;
    try {
      const form = await agent.get('/tickets/new').expect(200);
      ref = (await agent.post('/tickets').type('form').send({ _csrf: csrfOf(form.text), type: 'incident', subject: 'Журнал доставки', requester: 'mail-client' }).expect(303)).headers.location!.replace('/tickets/', '');
      const page = await agent.get(`/tickets/${ref}`).expect(200);
      await agent.post(`/tickets/${ref}/status`).type('form').send({ _csrf: csrfOf(page.text), status: 'resolved', version: '1', resolutionCode: 'fixed', resolutionText: 'Готово' }).expect(303);
    } finally {
      offRecipients();
      offContent();
    }
    const page = (await agent.get(`/tickets/${ref!}`).expect(200)).text;
    const log = [...page.matchAll(/<li data-mail="([a-z]+)">([^]*?)<\/li>/g)].map((match) => match[2]!);
    expect(log).toHaveLength(2);
    expect(log[0]).toContain('[копия]');
    expect(log[0]).toContain('olga@example.com, archive@desk.example');
    expect(log[0]).toContain('not sent to: not an address');
    const [{ recipients }] = await db().query(`SELECT recipients FROM mail_outbox WHERE kind = 'ticket_resolved' AND subject LIKE $1`, [`[${ref!}]%`]);
    expect(recipients).toEqual(['olga@example.com', 'archive@desk.example']);
  });

  it('refuses forged, foreign and expired links', async () => {
    const { ref, links } = await resolvedTicket('Не працює сканер');
    const visitor = request.agent(app.url);
    const token = new URL(links[0]!).pathname.split('/').pop()!;
    await visitor.get(`/answers/${ref}/${'x'.repeat(43)}`).expect(410);
    // A token answers only its own ticket.
    const other = await resolvedTicket('Інша заявка');
    await visitor.get(`/answers/${other.ref}/${token}`).expect(410);
    await db().query(`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE purpose = $1`, [`ticket-answer:${ref}`]);
    await visitor.get(pathOf(links[0]!)).expect(410);

    // Rejecting through a live link reopens the ticket with the reason.
    const live = other.links.find((link) => link.endsWith('reject=1'))!;
    const page = await visitor.get(pathOf(live)).expect(200);
    expect(page.text).not.toContain('/accept"');
    const empty = await visitor.post(`${new URL(live).pathname}/reject`).type('form').send({ _csrf: csrfOf(page.text), reason: '' });
    expect(empty.status).toBe(400);
    await visitor.post(`${new URL(live).pathname}/reject`).type('form').send({ _csrf: csrfOf(page.text), reason: 'Все ще не працює' }).expect(303);
    expect(await db().query(`SELECT status FROM tickets WHERE 'INC-' || number = $1`, [other.ref])).toEqual([{ status: 'in_progress' }]);
  });
});
