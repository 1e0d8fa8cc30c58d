import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { OrganisationService } from '../../src/identity/organisations/organisation.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { CatalogueService } from '../../src/catalogue/catalogue.service';
import { CustomFieldsService } from '../../src/tickets/fields/custom-fields.service';
import { TicketService } from '../../src/tickets/ticket.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// The self-service portal against real PostgreSQL: a requester lands on it, asks through a
// service's form (custom field, attachment), follows the request's public history, answers the
// resolution; colleagues read their organisation's requests only where it shares them, and
// nobody reaches another organisation's request.

const PASSWORD = 'portal test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const unescape = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('self-service portal', () => {
  let app: TestApp;
  let agent: Agent;
  let alice: Agent;
  let bob: Agent;
  let carol: Agent;
  let serviceId: string;
  let componentId: string;
  let ref: string;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    const admin = await app.app.get(AuthService).createAdmin('portal-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    const organisations = app.app.get(OrganisationService);
    const sunflower = await organisations.create(admin, { name: 'Подсолнух', requestsShared: true });
    const closed = await organisations.create(admin, { name: 'Closed Ltd' });
    await people.create({ username: 'portal-agent', displayName: 'Agent Smith', email: 'agent@desk.example', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'alice', displayName: 'Алиса', email: 'alice@sunflower.example', roles: ['requester'], password: PASSWORD });
    await people.create({ username: 'bob', displayName: 'Bob', email: 'bob@sunflower.example', roles: ['requester'], password: PASSWORD });
    await people.create({ username: 'carol', displayName: 'Carol', email: 'carol@closed.example', roles: ['requester'], password: PASSWORD });
    await db().query(`UPDATE users SET organisation_id = $1 WHERE username IN ('alice', 'bob')`, [sunflower.id]);
    await db().query(`UPDATE users SET organisation_id = $1 WHERE username = 'carol'`, [closed.id]);
    const groups = app.app.get(WorkGroupService);
    await groups.addMember(admin, (await groups.create(admin, { name: 'Portal desk', active: true })).id, 'portal-agent');
    const catalogue = app.app.get(CatalogueService);
    serviceId = await catalogue.create({ name: 'Печать', description: 'Принтеры и сканеры', defaultGroup: 'Portal desk', active: true });
    componentId = await catalogue.addComponent(serviceId, { name: 'Картриджи', active: true });
    await app.app.get(CustomFieldsService).create({ key: 'room', label: 'Кабинет', kind: 'text', required: true, serviceId, active: true });
    agent = await signedInAgent(app.url, 'portal-agent', PASSWORD);
    alice = await signedInAgent(app.url, 'alice', PASSWORD);
    bob = await signedInAgent(app.url, 'bob', PASSWORD);
    carol = await signedInAgent(app.url, 'carol', PASSWORD);
  });
  afterAll(() => app.stop());

  const submit = async (who: Agent, fields: Record<string, string>, files: Array<{ name: string; data: Buffer }> = []) => {
    const form = await who.get(`/portal/new?service=${serviceId}`).expect(200);
    let req = who.post('/portal/requests').field('_csrf', csrfOf(form.text));
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    for (const file of files) req = req.attach('files', file.data, { filename: file.name, contentType: 'text/plain' });
    return req;
  };
  const post = async (who: Agent, path: string, fields: Record<string, string>) => {
    const page = await who.get(`/portal/requests/${ref}`).expect(200);
    return who.post(`/portal/requests/${ref}/${path}`).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  };
  const staffPost = async (path: string, fields: Record<string, string>) => {
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    const version = /data-version="(\d+)"/.exec(page.text)![1]!;
    return agent.post(`/tickets/${ref}/${path}`).type('form').send({ _csrf: csrfOf(page.text), version, ...fields }).expect(303);
  };

  it('is where requesters land, with the catalogue they may use; staff keep their workspace', async () => {
    expect((await alice.get('/').expect(303)).headers.location).toBe('/portal');
    expect((await agent.get('/').expect(200)).text).not.toContain('service-card');
    const home = await alice.get('/portal').expect(200);
    expect(home.text).toContain('Печать');
    expect(home.text).toContain('Принтеры и сканеры');
    expect(unescape(home.text)).toContain('href="/portal/requests?scope=organisation"');
    expect((await carol.get('/portal').expect(200)).text).not.toContain('scope=organisation');
    expect((await request(app.url).get('/portal').expect(303)).headers.location).toMatch(/^\/login/);
  });

  it('keeps what was typed when the form is refused, in the page\'s language', async () => {
    const refused = await submit(alice, { type: 'incident', subject: '  ', description: 'Принтер мнёт бумагу', service: `${serviceId}:${componentId}`, 'custom[room]': '305' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Принтер мнёт бумагу');
    expect(refused.text).toMatch(/name="custom\[room\]" value="305"/);
    expect(refused.text).toMatch(new RegExp(`value="${serviceId}:${componentId}" selected`));
    const missingRoom = await submit(alice, { type: 'incident', subject: 'Не печатает', service: serviceId });
    expect(missingRoom.status).toBe(400);
    expect(missingRoom.text).toContain('field__error');
    const russian = await alice.get('/portal/new?lang=ru').expect(200);
    expect(russian.text).toContain('Что-то не работает');
    expect(await db().query(`SELECT 1 FROM tickets`)).toHaveLength(0);
  });

  it('registers a request through a service\'s form with its custom field and a file', async () => {
    const sent = await submit(alice, { type: 'incident', subject: 'Не печатает принтер', description: 'Горит красная лампа', service: `${serviceId}:${componentId}`, 'custom[room]': '305' }, [{ name: 'фото.txt', data: Buffer.from('лампа') }]);
    expect(sent.status).toBe(303);
    ref = sent.headers.location!.replace('/portal/requests/', '');
    const [ticket] = await db().query(`SELECT channel, service_id, component_id, custom, group_id IS NOT NULL AS routed FROM tickets WHERE number = $1`, [ref.split('-')[1]]);
    expect(ticket).toEqual({ channel: 'portal', service_id: serviceId, component_id: componentId, custom: { room: '305' }, routed: true });
    const page = await alice.get(`/portal/requests/${ref}`).expect(200);
    expect(page.text).toContain('Не печатает принтер');
    expect(page.text).toContain('Горит красная лампа');
    expect(page.text).toContain('фото.txt');
    expect(page.text).toContain('Печать — Картриджи');
    expect(page.text).toContain('Your request is registered.');
    const list = await alice.get('/portal/requests').expect(200);
    expect(list.text).toContain(`data-request="${ref}"`);
    expect((await alice.get('/portal/requests?state=closed').expect(200)).text).not.toContain(`data-request="${ref}"`);
  });

  it('shows staff\'s public replies and status changes, never internal notes', async () => {
    const page = await agent.get(`/tickets/${ref}`).expect(200);
    await agent.post(`/tickets/${ref}/messages`).type('form').send({ _csrf: csrfOf(page.text), kind: 'reply', body: 'Заменим картридж сегодня' }).expect(303);
    await agent.post(`/tickets/${ref}/messages`).type('form').send({ _csrf: csrfOf(page.text), kind: 'note', body: 'Секретная заметка' }).expect(303);
    await staffPost('status', { status: 'in_progress' });
    const seen = await alice.get(`/portal/requests/${ref}`).expect(200);
    expect(seen.text).toContain('Заменим картридж сегодня');
    expect(seen.text).not.toContain('Секретная заметка');
    expect(seen.text).toContain('data-status-change="in_progress"');
    expect(seen.text).toContain('Agent Smith');
    expect((await post(alice, 'replies', { body: 'Спасибо, жду' })).status).toBe(303);
    expect((await agent.get(`/tickets/${ref}`).expect(200)).text).toContain('Спасибо, жду');
  });

  it('lets colleagues read, not answer, where the organisation shares requests; nobody else sees them', async () => {
    const shared = await bob.get('/portal/requests?scope=organisation').expect(200);
    expect(shared.text).toContain(`data-request="${ref}"`);
    expect(shared.text).toContain('Алиса');
    const read = await bob.get(`/portal/requests/${ref}`).expect(200);
    expect(read.text).toContain('Не печатает принтер');
    expect(read.text).not.toContain(`/portal/requests/${ref}/replies`);
    const csrf = csrfOf((await bob.get('/portal').expect(200)).text);
    expect((await bob.post(`/portal/requests/${ref}/replies`).field('_csrf', csrf).field('body', 'Я тоже').expect(403)).text).not.toContain('Я тоже');
    await carol.get(`/portal/requests/${ref}`).expect(404);
    await carol.get('/portal/requests?scope=organisation').expect(404);
    await carol.get(`/tickets/${ref}`).expect(404);
    await carol.post(`/portal/requests/${ref}/accept`).type('form').send({ _csrf: csrfOf((await carol.get('/portal')).text), score: '1' }).expect(404);
  });

  it('takes the requester\'s answer to a resolution: reject reopens, accept closes with the rating', async () => {
    await staffPost('status', { status: 'resolved', resolutionCode: 'fixed', resolutionText: 'Картридж заменён' });
    const resolved = await alice.get(`/portal/requests/${ref}`).expect(200);
    expect(resolved.text).toContain('data-answer');
    expect(resolved.text).toContain('Картридж заменён');
    expect((await bob.get(`/portal/requests/${ref}`).expect(200)).text).not.toContain('data-answer');
    const empty = await post(alice, 'reject', { reason: ' ' });
    expect(empty.status).toBe(400);
    expect((await post(alice, 'reject', { reason: 'Всё ещё мнёт бумагу' })).status).toBe(303);
    expect((await db().query(`SELECT status FROM tickets WHERE number = $1`, [ref.split('-')[1]]))[0].status).toBe('in_progress');
    await staffPost('status', { status: 'resolved', resolutionCode: 'fixed', resolutionText: 'Заменён ролик' });
    expect((await post(alice, 'accept', { score: '4', comment: 'Быстро' })).status).toBe(303);
    const closed = await alice.get(`/portal/requests/${ref}`).expect(200);
    expect(closed.text).toContain('rated 4 of 5');
    expect(closed.text).not.toContain('data-answer');
    expect(await db().query(`SELECT score, comment FROM ticket_ratings`)).toEqual([{ score: 4, comment: 'Быстро' }]);
    expect((await alice.get('/portal/requests?state=closed').expect(200)).text).toContain(`data-request="${ref}"`);
  });

  it('pages through many requests by keyset links, each once', async () => {
    const tickets = app.app.get(TicketService);
    const actor = { id: (await db().query(`SELECT id FROM users WHERE username = 'bob'`))[0].id, username: 'bob', displayName: 'Bob', roles: ['requester'] as const, isAdmin: false, locale: null, timeZone: null };
    for (let i = 1; i <= 30; i += 1) await tickets.create({ ...actor, roles: ['requester'] }, { type: 'incident', subject: `Заявка ${i}` }, 'web');
    const seen: string[] = [];
    let next: string | null = '/portal/requests?scope=mine&state=all';
    while (next) {
      const page: request.Response = await bob.get(next).expect(200);
      seen.push(...[...page.text.matchAll(/data-request="([^"]+)"/g)].map((match) => match[1]!));
      next = /href="([^"]+)" rel="next"/.exec(page.text)?.[1] ? unescape(/href="([^"]+)" rel="next"/.exec(page.text)![1]!) : null;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    await bob.get('/portal/requests?cursor=garbage').expect(400);
  });
});
