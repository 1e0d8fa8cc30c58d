import request from 'supertest';
import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { OrganisationService } from '../../src/identity/organisations/organisation.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import type { Actor } from '../../src/kernel/security/actor';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

// People administration against real PostgreSQL: the keyset list with search and filters, a
// person's details, roles (audited), organisation and department, work groups, deactivation that
// ends sessions, and the guard that keeps one administrator.

const PASSWORD = 'people admin password';
type Agent = Awaited<ReturnType<typeof signedInAgent>>;

/** The logins listed on a people page, in order. */
const loginsOf = (html: string) => [...html.matchAll(/<tr data-person="([^"]+)">/g)].map((match) => match[1]!);
const nextLink = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('people administration', () => {
  let app: TestApp;
  let admin: Agent;
  let adminActor: Actor;
  const db = () => app.boot.database.dataSource;
  const idOf = async (username: string): Promise<string> => (await db().query(`SELECT id FROM users WHERE username = $1`, [username]))[0].id;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    adminActor = await app.app.get(AuthService).createAdmin('people-admin', PASSWORD);
    const people = app.app.get(UserAdminService);
    await people.create({ username: 'ольга', displayName: 'Ольга Смирнова', email: 'olga@example.test', roles: ['agent'], password: PASSWORD });
    await people.create({ username: 'petr', displayName: 'Пётр', roles: ['requester'], password: PASSWORD });
    // Many people, written directly: the list must page through them without counting.
    await db().query(
      `INSERT INTO users (username, display_name, roles) SELECT 'bulk' || lpad(n::text, 3, '0'), 'Bulk ' || n, ARRAY['requester'] FROM generate_series(1, 120) AS n`,
    );
    const organisation = await app.app.get(OrganisationService).create(adminActor, { name: 'ООО Ромашка', code: 'ROM' });
    await app.app.get(OrganisationService).addDepartment(adminActor, organisation.id, { name: 'Бухгалтерия' });
    await app.app.get(WorkGroupService).create(adminActor, { name: 'Первая линия', active: true });
    admin = await signedInAgent(app.url, 'people-admin', PASSWORD);
  });
  afterAll(() => app.stop());

  /** Posts a form of a person's page with the page's CSRF token. */
  async function post(path: string, fields: Record<string, string | string[]>, from: string) {
    const page = await admin.get(from).expect(200);
    return admin.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields });
  }

  it('pages through everyone in login order without repeating anyone', async () => {
    const seen: string[] = [];
    let next: string | undefined = '/admin/users';
    while (next) {
      const page = await admin.get(next).expect(200);
      seen.push(...loginsOf(page.text));
      next = nextLink(page.text);
    }
    // 120 generated, two made above, the administrator, and the first admin every new install has.
    expect(seen).toHaveLength(124);
    expect(new Set(seen).size).toBe(124);
    expect(seen.slice(0, 3)).toEqual(['admin', 'bulk001', 'bulk002']);
    expect(seen).toContain('ольга');
  });

  it('finds people by the start of a login, a name or an address, and filters by role and status', async () => {
    expect(loginsOf((await admin.get('/admin/users?q=ОЛЬ').expect(200)).text)).toEqual(['ольга']);
    expect(loginsOf((await admin.get(`/admin/users?q=${encodeURIComponent('Смир')}`).expect(200)).text)).toEqual([]);
    expect(loginsOf((await admin.get('/admin/users?q=olga%40').expect(200)).text)).toEqual(['ольга']);
    expect(loginsOf((await admin.get('/admin/users?q=bulk1&role=requester').expect(200)).text)).toHaveLength(21);
    expect(loginsOf((await admin.get('/admin/users?role=agent').expect(200)).text)).toEqual(['ольга']);
    expect(loginsOf((await admin.get('/admin/users?q=%25').expect(200)).text)).toEqual([]); // LIKE's wildcard is literal
    await admin.get('/admin/users?cursor=not-a-cursor').expect(400);
  });

  it('changes details, organisation, department and roles, and audits the roles', async () => {
    const id = await idOf('ольга');
    const page = `/admin/users/${id}`;
    const saved = await post(
      page,
      {
        displayName: 'Ольга С.',
        email: 'olga.s@example.test',
        locale: 'uk',
        timeZone: 'Asia/Tashkent',
        organisation: 'rom',
        department: 'бухгалтерия',
        roles: ['agent', 'specialist'],
        active: 'on',
      },
      page,
    );
    expect(saved.status).toBe(303);
    const [stored] = await db().query(
      `SELECT u.display_name, u.email, u.locale, u.time_zone, o.name AS organisation, d.name AS department, u.roles
         FROM users u JOIN organisations o ON o.id = u.organisation_id JOIN departments d ON d.id = u.department_id WHERE u.id = $1`,
      [id],
    );
    expect(stored).toEqual({
      display_name: 'Ольга С.',
      email: 'olga.s@example.test',
      locale: 'uk',
      time_zone: 'Asia/Tashkent',
      organisation: 'ООО Ромашка',
      department: 'Бухгалтерия',
      roles: ['agent', 'specialist'],
    });
    const [audit] = await db().query(`SELECT actor_id, details FROM audit_events WHERE event = 'user.role.changed' AND subject = 'ольга'`);
    expect(audit).toEqual({ actor_id: adminActor.id, details: { before: ['agent'], after: ['agent', 'specialist'], source: 'admin' } });
    const list = await admin.get('/admin/users?q=ольга').expect(200);
    expect(list.text).toContain('ООО Ромашка');
  });

  it('keeps what was typed and names the field when a value is refused', async () => {
    const id = await idOf('petr');
    const refused = await post(`/admin/users/${id}`, { displayName: 'Пётр Иванов', organisation: 'Нет такой', roles: ['requester'], active: 'on' }, `/admin/users/${id}`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('There is no organisation named or coded Нет такой.');
    expect(refused.text).toContain('value="Пётр Иванов"');
    const unknownRole = await post(`/admin/users/${id}`, { displayName: 'Пётр', roles: ['wizard'], active: 'on' }, `/admin/users/${id}`);
    expect(unknownRole.status).toBe(400);
    expect(unknownRole.text).toContain('Unknown role: wizard.');
  });

  it('adds a person to a work group by name and removes them again', async () => {
    const id = await idOf('petr');
    const page = `/admin/users/${id}`;
    expect((await post(`${page}/groups`, { group: 'первая ЛИНИЯ' }, page)).status).toBe(303);
    const shown = await admin.get(page).expect(200);
    expect(shown.text).toContain('data-group="Первая линия"');
    const refused = await post(`${page}/groups`, { group: 'Вторая линия' }, page);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('There is no work group named Вторая линия.');
    const groupId = /\/groups\/([0-9a-f-]{36})\/remove/.exec(shown.text)![1]!;
    expect((await post(`${page}/groups/${groupId}/remove`, {}, page)).status).toBe(303);
    expect((await admin.get(page).expect(200)).text).not.toContain('data-group="Первая линия"');
  });

  it('deactivates a person, signing them out everywhere, and audits it', async () => {
    const petr = await signedInAgent(app.url, 'petr', PASSWORD);
    await petr.get('/profile').expect(200);
    const id = await idOf('petr');
    expect((await post(`/admin/users/${id}`, { displayName: 'Пётр', roles: ['requester'] }, `/admin/users/${id}`)).status).toBe(303);
    expect((await petr.get('/profile').expect(303)).headers.location).toMatch(/^\/login/);
    const events = await db().query(`SELECT event FROM audit_events WHERE subject = 'petr' AND event LIKE 'user.%'`);
    expect(events).toEqual([{ event: 'user.deactivated' }]);
    const form = await request.agent(app.url).get('/login');
    expect(form.status).toBe(200);
  });

  it('never lets the last active administrator lose the role or access', async () => {
    await db().query(`UPDATE users SET active = false WHERE username = 'admin'`); // the install's first admin, unused here
    const id = adminActor.id;
    const demoted = await post(`/admin/users/${id}`, { displayName: 'Admin', roles: ['agent'], active: 'on' }, `/admin/users/${id}`);
    expect(demoted.status).toBe(409);
    expect(demoted.text).toContain('This is the last active administrator');
    const deactivated = await post(`/admin/users/${id}`, { displayName: 'Admin', roles: ['administrator'] }, `/admin/users/${id}`);
    expect(deactivated.status).toBe(409);
    const [{ roles, active }] = await db().query(`SELECT roles, active FROM users WHERE id = $1`, [id]);
    expect({ roles, active }).toEqual({ roles: ['administrator'], active: true });
  });

  it('creates a local person from the page', async () => {
    const created = await post('/admin/users', { username: 'новый.агент', displayName: 'Новый агент', roles: ['agent'], password: 'a long enough password' }, '/admin/users/new');
    expect(created.status).toBe(303);
    await signedInAgent(app.url, 'новый.агент', 'a long enough password');
    const taken = await post('/admin/users', { username: 'НОВЫЙ.АГЕНТ', roles: [] }, '/admin/users/new');
    expect(taken.status).toBe(409);
    expect(taken.text).toContain('value="НОВЫЙ.АГЕНТ"');
  });

  it('refuses the pages to people without the permission, and forms without CSRF', async () => {
    const agent = await signedInAgent(app.url, 'ольга', PASSWORD);
    await agent.get('/admin/users').expect(403);
    await agent.get(`/admin/users/${adminActor.id}`).expect(403);
    await admin.post(`/admin/users/${adminActor.id}`).type('form').send({ displayName: 'x', roles: ['agent'] }).expect(403);
    await admin.post(`/admin/users/${adminActor.id}`).type('form').send({ _csrf: 'forged', displayName: 'x', roles: ['agent'] }).expect(403);
    await admin.get('/admin/users/00000000-0000-0000-0000-000000000000').expect(404);
    await admin.get('/admin/users/not-an-id').expect(404);
  });
});
