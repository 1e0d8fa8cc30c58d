import { AuthService } from '../../src/identity/auth.service';
import { OrganisationService } from '../../src/identity/organisations/organisation.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import type { Actor } from '../../src/kernel/security/actor';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'organisations test password';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

function organisationIdOf(location: string | undefined): string {
  const match = /^\/admin\/organisations\/([0-9a-f-]{36})$/.exec(location ?? '');
  if (!match) throw new Error(`not an organisation page: ${location}`);
  return match[1]!;
}

function inputValue(html: string, name: string): string | undefined {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

/** The department tree as the page nests it: "name" per item, children indented by two spaces. */
function treeOf(html: string): string[] {
  const section = /<section[^>]* id="departments"[\s\S]*?<\/section>/.exec(html)![0];
  const lines: string[] = [];
  let depth = -1;
  for (const token of section.matchAll(/<ul class="department-tree">|<\/ul>|<li data-department="[^"]+">\s*<div class="actions">\s*<a href="[^"]+">([^<]+)<\/a>/g)) {
    if (token[0].startsWith('<ul')) depth += 1;
    else if (token[0] === '</ul>') depth -= 1;
    else lines.push(`${'  '.repeat(depth)}${token[1]}`);
  }
  return lines;
}

/** The href of a department's (or location's) link on the organisation's page. */
function linkTo(html: string, name: string): string {
  const match = new RegExp(`<a href="(/admin/organisations/[0-9a-f-]{36}/(?:departments|locations)/[0-9a-f-]{36})">${name}</a>`).exec(html);
  if (!match) throw new Error(`no link to ${name}`);
  return match[1]!;
}

describe('organisations (admin pages)', () => {
  let app: TestApp;
  let admin: Agent;
  let adminActor: Actor;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    adminActor = await app.app.get(AuthService).createAdmin('orgadmin', PASSWORD);
    await app.app.get(UserAdminService).create({ username: 'requester.one', password: PASSWORD });
    admin = await signedInAgent(app.url, 'orgadmin', PASSWORD);
  });
  afterAll(() => app.stop());

  /** Posts a form found on the page `from` and expects `status`. */
  async function post(path: string, fields: Record<string, string>, status: number, from = '/admin/organisations/new') {
    const page = await admin.get(from).expect(200);
    return admin.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields }).expect(status);
  }

  async function create(fields: Record<string, string>, status = 303) {
    return post('/admin/organisations', { active: 'on', ...fields }, status);
  }

  it('creates an organisation with a Cyrillic name, a code and mail domains, and lists it', async () => {
    const created = await create({ name: ' ООО «Ромашка» ', code: 'ROM', emailDomains: 'Romashka.example\r\n@почта.рф' });
    const id = organisationIdOf(created.headers.location);
    const page = (await admin.get(`/admin/organisations/${id}`).expect(200)).text;
    expect(page).toContain('<h1>ООО «Ромашка»</h1>');
    expect(page).toContain('Organisation created.');
    expect(page).toContain('romashka.example\nпочта.рф</textarea>');
    const [stored] = await app.boot.database.dataSource.query(`SELECT name, code, email_domains, active FROM organisations WHERE id = $1`, [id]);
    expect(stored).toEqual({ name: 'ООО «Ромашка»', code: 'ROM', email_domains: ['romashka.example', 'xn--80a1acny.xn--p1ai'], active: true });

    await create({ name: 'Бухгалтерия' });
    const list = (await admin.get('/admin/organisations').expect(200)).text;
    expect(list).toContain('>ООО «Ромашка»</a>');
    expect(list).toContain('>Бухгалтерия</a>');
    expect(list).toContain('<code>ROM</code>');
    expect(list).toContain('romashka.example, почта.рф');
  });

  it('refuses a duplicate name, code or domain and keeps what was typed', async () => {
    await create({ name: 'Лютик', code: 'LUT', emailDomains: 'lutik.example' });
    const name = await create({ name: 'ЛЮТИК', code: 'NEW' }, 409);
    expect(inputValue(name.text, 'name')).toBe('ЛЮТИК');
    expect(inputValue(name.text, 'code')).toBe('NEW');
    expect(name.text).toContain('There is already an organisation named “ЛЮТИК”.');
    const code = await create({ name: 'Новая', code: 'lut' }, 409);
    expect(code.text).toContain('The code “lut” is already used by another organisation.');
    const domain = await create({ name: 'Новая', emailDomains: 'LUTIK.example' }, 409);
    expect(domain.text).toContain('The domain lutik.example already belongs to the organisation “Лютик”.');
    expect(domain.text).toContain('LUTIK.example</textarea>');
    const bad = await create({ name: 'Новая', emailDomains: 'not a domain' }, 400);
    expect(bad.text).toContain('“not” is not a mail domain.');
  });

  it('edits an organisation and deactivates it', async () => {
    const id = organisationIdOf((await create({ name: 'Одуванчик' })).headers.location);
    const page = `/admin/organisations/${id}`;
    expect((await post(page, { name: 'Одуванчик и Ко', code: '', emailDomains: '' }, 303, page)).headers.location).toBe(page);
    const html = (await admin.get(page).expect(200)).text;
    expect(html).toContain('<h1>Одуванчик и Ко <span class="badge">Inactive</span></h1>');
    const tooLong = await post(page, { name: 'О'.repeat(201) }, 400, page);
    expect(tooLong.text).toContain('Must be at most 200 characters long.');
    expect(inputValue(tooLong.text, 'name')).toBe('О'.repeat(201));
  });

  it('opens and closes self-registration from the edit page', async () => {
    const id = organisationIdOf((await create({ name: 'Подсолнух', emailDomains: 'podsolnukh.example', selfRegistration: 'on' })).headers.location);
    const page = `/admin/organisations/${id}`;
    const stored = async () => (await app.boot.database.dataSource.query(`SELECT self_registration FROM organisations WHERE id = $1`, [id]))[0].self_registration;
    expect(await stored()).toBe(true);
    expect((await admin.get(page).expect(200)).text).toMatch(/name="selfRegistration" value="on" checked/);
    await post(page, { name: 'Подсолнух', emailDomains: 'podsolnukh.example', active: 'on' }, 303, page);
    expect(await stored()).toBe(false);
  });

  it('keeps departments as a tree: add, nest, rename, move, refuse cycles, remove', async () => {
    const id = organisationIdOf((await create({ name: 'Тюльпан' })).headers.location);
    const page = `/admin/organisations/${id}`;
    await post(`${page}/departments`, { name: 'Служба ИТ', parentId: '' }, 303, page);
    let html = (await admin.get(page).expect(200)).text;
    const itId = /data-department="([^"]+)"/.exec(html)![1]!;
    await post(`${page}/departments`, { name: 'Сеть', parentId: itId }, 303, page);
    html = (await admin.get(page).expect(200)).text;
    const netId = linkTo(html, 'Сеть').split('/').at(-1)!;
    await post(`${page}/departments`, { name: 'ЛВС', parentId: netId }, 303, page);
    await post(`${page}/departments`, { name: 'Бухгалтерия', parentId: '' }, 303, page);
    html = (await admin.get(page).expect(200)).text;
    expect(treeOf(html)).toEqual(['Бухгалтерия', 'Служба ИТ', '  Сеть', '    ЛВС']);
    expect(html).toContain('Department added.');

    // A duplicate from the page's small form opens the department form with what was typed.
    const duplicate = await post(`${page}/departments`, { name: 'сеть', parentId: itId }, 409, page);
    expect(inputValue(duplicate.text, 'name')).toBe('сеть');
    expect(duplicate.text).toContain(`<option value="${itId}" selected>`);
    expect(duplicate.text).toContain('This organisation already has a department named “сеть”.');

    // Moving Служба ИТ under its own grandchild is refused; the form offers only where it may go.
    const itPage = linkTo(html, 'Служба ИТ');
    const form = (await admin.get(itPage).expect(200)).text;
    expect(form).not.toContain(`<option value="${netId}"`);
    const cycle = await post(itPage, { name: 'Служба ИТ', parentId: netId }, 400, itPage);
    expect(cycle.text).toContain('A department cannot be placed inside itself or inside one of its own sub-departments.');

    await post(linkTo(html, 'ЛВС'), { name: 'Локальная сеть', parentId: '' }, 303, page);
    await post(`${linkTo(html, 'Сеть')}/remove`, {}, 303, page);
    html = (await admin.get(page).expect(200)).text;
    expect(treeOf(html)).toEqual(['Бухгалтерия', 'Локальная сеть', 'Служба ИТ']);
  });

  it('moves sub-departments up one level when their department is removed', async () => {
    const id = organisationIdOf((await create({ name: 'Роза' })).headers.location);
    const page = `/admin/organisations/${id}`;
    await post(`${page}/departments`, { name: 'Дирекция', parentId: '' }, 303, page);
    let html = (await admin.get(page).expect(200)).text;
    await post(`${page}/departments`, { name: 'Финансы', parentId: linkTo(html, 'Дирекция').split('/').at(-1)! }, 303, page);
    html = (await admin.get(page).expect(200)).text;
    await post(`${page}/departments`, { name: 'Касса', parentId: linkTo(html, 'Финансы').split('/').at(-1)! }, 303, page);
    html = (await admin.get(page).expect(200)).text;
    await post(`${linkTo(html, 'Финансы')}/remove`, {}, 303, page);
    expect(treeOf((await admin.get(page).expect(200)).text)).toEqual(['Дирекция', '  Касса']);
  });

  it('adds, renames and removes locations', async () => {
    const id = organisationIdOf((await create({ name: 'Ландыш' })).headers.location);
    const page = `/admin/organisations/${id}`;
    await post(`${page}/locations`, { name: 'Главный офис', address: 'Ташкент, ул. Навои, 1' }, 303, page);
    let html = (await admin.get(page).expect(200)).text;
    expect(html).toContain('Ташкент, ул. Навои, 1');
    const office = linkTo(html, 'Главный офис');
    const duplicate = await post(`${page}/locations`, { name: 'главный офис', address: 'другой' }, 409, page);
    expect(duplicate.text).toContain('This organisation already has a location named “главный офис”.');
    expect(duplicate.text).toContain('другой</textarea>');
    await post(office, { name: 'Офис на Навои', address: '' }, 303, office);
    html = (await admin.get(page).expect(200)).text;
    expect(html).toContain('>Офис на Навои</a>');
    await post(`${office}/remove`, {}, 303, page);
    expect((await admin.get(page).expect(200)).text).toContain('No locations yet.');
  });

  it('answers another organisation\'s department or location, and unknown ids, as not found', async () => {
    const organisations = app.app.get(OrganisationService);
    const mine = await organisations.create(adminActor, { name: 'Моя' });
    const theirs = await organisations.create(adminActor, { name: 'Чужая' });
    const department = await organisations.addDepartment(adminActor, theirs.id, { name: 'Отдел' });
    const location = await organisations.addLocation(adminActor, theirs.id, { name: 'Склад' });
    const page = `/admin/organisations/${mine.id}`;
    await admin.get(`${page}/departments/${department.id}`).expect(404);
    await admin.get(`${page}/locations/${location.id}`).expect(404);
    await post(`${page}/departments/${department.id}`, { name: 'Взлом' }, 404, page);
    await post(`${page}/departments/${department.id}/remove`, {}, 404, page);
    await post(`${page}/locations/${location.id}/remove`, {}, 404, page);
    // A foreign parent chosen by a forged form is refused beside the field.
    const forged = await post(`${page}/departments`, { name: 'Новый', parentId: department.id }, 400, page);
    expect(forged.text).toContain('Choose a department of this organisation.');
    await admin.get('/admin/organisations/00000000-0000-4000-8000-000000000000').expect(404);
    await admin.get('/admin/organisations/nope/departments/new').expect(404);
    const [{ count }] = await app.boot.database.dataSource.query(`SELECT count(*)::int AS count FROM departments WHERE id = $1 AND name = 'Отдел'`, [department.id]);
    expect(count).toBe(1);
  });

  it('finds organisations by the start of the name or the exact code, and pages with keyset links', async () => {
    const organisations = app.app.get(OrganisationService);
    const names = Array.from({ length: 55 }, (_, i) => `Клиент ${String(i).padStart(2, '0')}`);
    for (const name of [...names].reverse()) await organisations.create(adminActor, { name, code: name === 'Клиент 07' ? 'K7' : '' });
    const first = (await admin.get(`/admin/organisations?q=${encodeURIComponent('клиент')}`).expect(200)).text;
    const href = /<a href="([^"]+)" rel="next">/.exec(first)![1]!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const second = (await admin.get(href).expect(200)).text;
    const shown = (html: string) => [...html.matchAll(/<a href="\/admin\/organisations\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((m) => m[1]);
    expect([...shown(first), ...shown(second)]).toEqual(names);
    expect(second).not.toContain('rel="next"');
    expect(shown((await admin.get('/admin/organisations?q=k7').expect(200)).text)).toEqual(['Клиент 07']);
  });

  it('is only for people who may manage organisations', async () => {
    const requester = await signedInAgent(app.url, 'requester.one', PASSWORD);
    const home = await requester.get('/').expect(200);
    expect(home.text).not.toContain('href="/admin/organisations"');
    await requester.get('/admin/organisations').expect(403);
    await requester.post('/admin/organisations').type('form').send({ _csrf: csrfOf(home.text), name: 'Чужая 2' }).expect(403);
  });
});
