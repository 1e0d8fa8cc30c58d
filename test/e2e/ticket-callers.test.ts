import { AuthService } from '../../src/identity/auth.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// Phone and walk-in registration against real PostgreSQL: a caller is found by the end of their
// number however it is written, or by the start of their name, login or address; their latest
// requests are shown; requesters cannot search people; a phone number is checked on the person form.

const PASSWORD = 'callers test password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;
const callersOf = (html: string) => [...html.matchAll(/data-caller="([^"]+)"/g)].map((match) => match[1]!);

describe('caller lookup', () => {
  let app: TestApp;
  let agent: Agent;
  let admin: Agent;
  const db = () => app.boot.database.dataSource;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    await app.app.get(AuthService).createAdmin('callers-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'desk', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'olga', displayName: 'Ольга Смирнова', email: 'olga@shop.example', roles: ['requester'], password: PASSWORD });
    await people.create({ username: 'oleg', displayName: 'Олег 100%_скидка', email: 'oleg@shop.example', roles: ['requester'] });
    await people.create({ username: 'gone', displayName: 'Ольга Ушедшая', roles: ['requester'] });
    await db().query(`UPDATE users SET phone = '+7 (912) 345-67-89' WHERE username = 'olga'`);
    await db().query(`UPDATE users SET phone = '8 495 111-22-33 доб. 5', active = false WHERE username = 'gone'`);
    agent = await signedInAgent(app.url, 'desk', PASSWORD);
    admin = await signedInAgent(app.url, 'callers-admin', PASSWORD);
    const form = await agent.get('/tickets/new').expect(200);
    await agent.post('/tickets').type('form').send({ _csrf: csrfOf(form.text), type: 'incident', subject: 'Касса не печатает чек', requester: 'olga', channel: 'phone' }).expect(303);
  });
  afterAll(() => app.stop());

  const find = async (typed: string) => callersOf((await agent.get(`/tickets/new?caller=${encodeURIComponent(typed)}`).expect(200)).text);

  it('finds a caller by the end of their number however it is written, never an inactive one', async () => {
    expect(await find('89123456789')).toEqual(['olga']);
    expect(await find('+7 912 345 67 89')).toEqual(['olga']);
    expect(await find('45-67-89')).toEqual(['olga']);
    expect(await find('111-22-33')).toEqual([]);
    expect(await find('0000')).toEqual([]);
  });

  it('finds by the start of a name, login or e-mail, treating wildcards as text', async () => {
    expect(await find('ольга')).toEqual(['olga']);
    expect(await find('OLE')).toEqual(['oleg']);
    expect(await find('olga@shop')).toEqual(['olga']);
    expect(await find('%')).toEqual([]);
    expect(await find('_')).toEqual([]);
    expect(await find('Олег 100%_')).toEqual(['oleg']);
  });

  it('shows the caller\'s latest requests and a way to register for them by phone', async () => {
    const page = (await agent.get(`/tickets/new?caller=${encodeURIComponent('ольга')}`).expect(200)).text;
    expect(page).toContain('Касса не печатает чек');
    expect(page).toContain('href="/tickets/new?requester=olga&amp;channel=phone"');
    const prefilled = (await agent.get('/tickets/new?requester=olga&channel=phone').expect(200)).text;
    expect(prefilled).toMatch(/id="field-requester"[^>]*value="olga"/);
    expect(prefilled).toContain('<option value="phone" selected>');
  });

  it('does not let requesters search people', async () => {
    const requester = await signedInAgent(app.url, 'olga', PASSWORD);
    const page = (await requester.get(`/tickets/new?caller=${encodeURIComponent('олег')}`).expect(200)).text;
    expect(callersOf(page)).toEqual([]);
    expect(page).not.toContain('field-caller');
  });

  it('checks a phone number on the person form, keeping what was typed', async () => {
    const [{ id }] = await db().query(`SELECT id FROM users WHERE username = 'oleg'`);
    const form = await admin.get(`/admin/users/${id}`).expect(200);
    const bad = await admin.post(`/admin/users/${id}`).type('form').send({ _csrf: csrfOf(form.text), displayName: 'Олег', phone: 'позвоните мне', roles: 'requester', active: 'on' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('value="позвоните мне"');
    await admin.post(`/admin/users/${id}`).type('form').send({ _csrf: csrfOf(form.text), displayName: 'Олег', phone: '+998 (71) 200-00-01', roles: 'requester', active: 'on' }).expect(303);
    expect(await find('200 00 01')).toEqual(['oleg']);
  });
});
