import { AuthService } from '../../src/identity/auth.service';
import { WorkGroupService } from '../../src/identity/groups/work-group.service';
import { UserAdminService } from '../../src/identity/user-admin.service';
import type { Actor } from '../../src/kernel/security/actor';
import { csrfOf, signedInAgent } from '../support/forms';
import { startTestApp, type TestApp } from '../support/test-app';

const PASSWORD = 'groups test password';

type Agent = Awaited<ReturnType<typeof signedInAgent>>;

/** The id in a redirect to a group's page. */
function groupIdOf(location: string | undefined): string {
  const match = /^\/admin\/groups\/([0-9a-f-]{36})$/.exec(location ?? '');
  if (!match) throw new Error(`not a group page: ${location}`);
  return match[1]!;
}

/** The value attribute of an input, as the page shows it (Handlebars escapes quotes and ampersands). */
function inputValue(html: string, name: string): string | undefined {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1];
}

/** A link's href as a browser reads it (Handlebars escapes & and = in attributes). */
function nextLink(html: string): string | undefined {
  const href = /<a href="([^"]+)" rel="next">/.exec(html)?.[1];
  return href?.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
}

/** The members listed on a group's page, by user name. */
function membersOf(html: string): string[] {
  return [...html.matchAll(/<tr data-member="([^"]+)">/g)].map((match) => match[1]!);
}

describe('work groups (admin pages)', () => {
  let app: TestApp;
  let admin: Agent;
  let adminActor: Actor;

  beforeAll(async () => {
    app = await startTestApp('postgres');
    adminActor = await app.app.get(AuthService).createAdmin('groupadmin', PASSWORD);
    const people = app.app.get(UserAdminService);
    for (const username of ['anna', 'boris', 'Виктор']) await people.create({ username, displayName: `${username} (display)`, password: PASSWORD });
    await people.create({ username: 'agent.smith', roles: ['agent'], password: PASSWORD });
    admin = await signedInAgent(app.url, 'groupadmin', PASSWORD);
  });
  afterAll(() => app.stop());

  /** Submits the new-group form (ticked "active" unless told otherwise) and expects `status`. */
  async function create(fields: Record<string, string>, status = 303) {
    const form = await admin.get('/admin/groups/new').expect(200);
    return admin.post('/admin/groups').type('form').send({ _csrf: csrfOf(form.text), active: 'on', ...fields }).expect(status);
  }

  /** Posts a form found on the page `from` (by default the group's page the path belongs to). */
  async function post(path: string, fields: Record<string, string>, status: number, from = path.replace(/\/(members|delete).*$/, '')) {
    const page = await admin.get(from).expect(200);
    return admin.post(path).type('form').send({ _csrf: csrfOf(page.text), ...fields }).expect(status);
  }

  it('creates a group with a Cyrillic name and lists it with its lead and member count', async () => {
    const created = await create({ name: '  Служба ИТ ', description: 'Первая линия', email: 'it@example.test', lead: 'Виктор' });
    const id = groupIdOf(created.headers.location);
    const page = await admin.get(`/admin/groups/${id}`).expect(200);
    expect(page.text).toContain('<h1>Служба ИТ</h1>');
    expect(page.text).toContain('Work group created.');
    expect(membersOf(page.text)).toEqual(['Виктор']);
    expect(page.text).toContain('<option value="Виктор" selected>');

    await create({ name: 'Бухгалтерия' });
    const list = await admin.get('/admin/groups').expect(200);
    expect(list.text).toContain('>Бухгалтерия</a>');
    const row = new RegExp(`<tr data-group="${id}">[\\s\\S]*?</tr>`).exec(list.text)![0];
    expect(row).toContain('>Служба ИТ</a>');
    expect(row).toContain('Виктор (display)');
    expect(row).toContain('data-members="1"');
    expect(list.text).toContain('href="/admin/groups"'); // the nav item
    const stored = await app.boot.database.dataSource.query(`SELECT name, description, email FROM work_groups WHERE id = $1`, [id]);
    expect(stored).toEqual([{ name: 'Служба ИТ', description: 'Первая линия', email: 'it@example.test' }]);
  });

  it('refuses a duplicate name in another case and keeps what was typed', async () => {
    await create({ name: 'Сеть и связь' });
    const refused = await create({ name: 'СЕТЬ И СВЯЗЬ', description: 'typed text' }, 409);
    expect(inputValue(refused.text, 'name')).toBe('СЕТЬ И СВЯЗЬ');
    expect(refused.text).toContain('typed text</textarea>');
    expect(refused.text).toContain('There is already a work group named “СЕТЬ И СВЯЗЬ”.');
    expect(refused.text).toContain('aria-invalid="true"');
  });

  it('refuses a name over 200 characters with a message beside the field, in the reader\'s language', async () => {
    const form = await admin.get('/admin/groups/new').expect(200);
    const refused = await admin.post('/admin/groups?lang=ru').type('form').send({ _csrf: csrfOf(form.text), name: 'Я'.repeat(201) }).expect(400);
    expect(refused.text).toContain('<p class="field__error" id="field-name-error">Не более 200 символов.</p>');
    expect(inputValue(refused.text, 'name')).toBe('Я'.repeat(201));
  });

  it('refuses a form without its CSRF token', async () => {
    await admin.post('/admin/groups').type('form').send({ name: 'Без токена' }).expect(403);
  });

  it('edits a group: name, description, mailbox and the active flag', async () => {
    const id = groupIdOf((await create({ name: 'Склад' })).headers.location);
    const saved = await post(`/admin/groups/${id}`, { name: 'Склад и логистика', description: 'Новое', email: '', lead: '' }, 303);
    expect(saved.headers.location).toBe(`/admin/groups/${id}`);
    const page = await admin.get(`/admin/groups/${id}`).expect(200);
    expect(page.text).toContain('<h1>Склад и логистика <span class="badge">Inactive</span></h1>');
    expect(page.text).toContain('Work group saved.');
    // A description of several lines comes back exactly as saved, so saving again changes nothing.
    await post(`/admin/groups/${id}`, { name: 'Склад и логистика', description: 'Строка 1\r\n  Строка 2', active: 'on' }, 303);
    expect((await admin.get(`/admin/groups/${id}`).expect(200)).text).toContain('>Строка 1\n  Строка 2</textarea>');
    const bad = await post(`/admin/groups/${id}`, { name: 'Склад и логистика', email: 'no address' }, 400);
    expect(inputValue(bad.text, 'email')).toBe('no address');
    expect(bad.text).toContain('Enter an e-mail address such as name@example.com.');
  });

  it('adds and removes members, and keeps the lead among them', async () => {
    const id = groupIdOf((await create({ name: 'Поддержка 1С' })).headers.location);
    const page = `/admin/groups/${id}`;
    expect((await post(`${page}/members`, { username: 'ANNA' }, 303)).headers.location).toBe(`${page}#members`);
    await post(`${page}/members`, { username: 'boris' }, 303);
    let html = (await admin.get(page).expect(200)).text;
    expect(membersOf(html)).toEqual(['anna', 'boris']);

    const unknown = await post(`${page}/members`, { username: 'nobody' }, 400);
    expect(inputValue(unknown.text, 'username')).toBe('nobody');
    expect(unknown.text).toContain('There is no user named “nobody”.');
    await post(`${page}/members`, { username: 'anna' }, 409);

    // Only a member can lead; a forged choice of a non-member is refused beside the field.
    await post(page, { name: 'Поддержка 1С', lead: 'anna', active: 'on' }, 303);
    html = (await admin.get(page).expect(200)).text;
    expect(html).toContain('<option value="anna" selected>');
    expect(html).toMatch(/<tr data-member="anna">[\s\S]*?lead<\/span>/);
    const notMember = await post(page, { name: 'Поддержка 1С', lead: 'Виктор', active: 'on' }, 400);
    expect(notMember.text).toContain('Виктор is not a member of this group.');

    // Removing the lead leaves the group without one.
    const anna = /data-member="anna">[\s\S]*?action="([^"]+\/remove)"/.exec(html)![1]!;
    await post(anna, {}, 303, page);
    html = (await admin.get(page).expect(200)).text;
    expect(html).toContain('Member removed. They led the group, so it now has no lead.');
    expect(membersOf(html)).toEqual(['boris']);
    expect(html).toContain('<option value="">— no lead —</option>');
    const leadSelect = /<select[^>]*name="lead"[\s\S]*?<\/select>/.exec(html)![0];
    expect(leadSelect).not.toMatch(/<option value="[^"]+" selected>/);
    const [row] = await app.boot.database.dataSource.query(`SELECT lead_id FROM work_groups WHERE id = $1`, [id]);
    expect(row.lead_id).toBeNull();

    // Removing someone who is not a member (any more) is answered as missing.
    await post(anna, {}, 404, page);
  });

  it('refuses to delete a group with members and deletes an empty one', async () => {
    const full = groupIdOf((await create({ name: 'Не удалять', lead: 'boris' })).headers.location);
    expect((await post(`/admin/groups/${full}/delete`, {}, 303)).headers.location).toBe(`/admin/groups/${full}`);
    expect((await admin.get(`/admin/groups/${full}`).expect(200)).text).toContain('The group still has members, so it cannot be deleted.');
    const empty = groupIdOf((await create({ name: 'Удалить' })).headers.location);
    expect((await post(`/admin/groups/${empty}/delete`, {}, 303)).headers.location).toBe('/admin/groups');
    await admin.get(`/admin/groups/${empty}`).expect(404);
  });

  it('pages through 120 groups with keyset links, each group once and in name order', async () => {
    const groups = app.app.get(WorkGroupService);
    const names = Array.from({ length: 120 }, (_, i) => `Очередь ${String(i).padStart(3, '0')}`);
    // Shuffled, so insertion order cannot pass for name order.
    for (const name of [...names].sort(() => Math.random() - 0.5)) await groups.create(adminActor, { name });

    const seen: string[] = [];
    let next: string | undefined = `/admin/groups?q=${encodeURIComponent('очередь')}`;
    let pages = 0;
    while (next) {
      const html = (await admin.get(next).expect(200)).text;
      seen.push(...[...html.matchAll(/<a href="\/admin\/groups\/[0-9a-f-]{36}">([^<]+)<\/a>/g)].map((match) => match[1]!));
      next = nextLink(html);
      pages += 1;
      if (pages > 10) throw new Error(`the next-page links go round: ${next}`);
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(names);

    // Unfiltered, every group shows up exactly once too.
    const all: string[] = [];
    next = '/admin/groups';
    while (next) {
      const html = (await admin.get(next).expect(200)).text;
      all.push(...[...html.matchAll(/<tr data-group="([0-9a-f-]{36})">/g)].map((match) => match[1]!));
      next = nextLink(html);
      if (all.length > 1000) throw new Error(`the next-page links go round: ${next}`);
    }
    const [{ count }] = await app.boot.database.dataSource.query(`SELECT count(*)::int AS count FROM work_groups`);
    expect(all).toHaveLength(count);
    expect(new Set(all).size).toBe(count);
  });

  it('searches by the start of the name only, and takes LIKE\'s wildcards literally', async () => {
    const html = (await admin.get(`/admin/groups?q=${encodeURIComponent('%')}`).expect(200)).text;
    expect(html).toContain('name starts with that.');
    const it = (await admin.get(`/admin/groups?q=${encodeURIComponent('служба')}`).expect(200)).text;
    expect(it).toContain('>Служба ИТ</a>');
    expect(it).not.toContain('Бухгалтерия');
  });

  it('answers an unknown or malformed group id, and a made-up cursor, as not found or invalid', async () => {
    await admin.get('/admin/groups/00000000-0000-4000-8000-000000000000').expect(404);
    await admin.get('/admin/groups/not-a-uuid').expect(404);
    const form = await admin.get('/admin/groups/new').expect(200);
    await admin.post('/admin/groups/00000000-0000-4000-8000-000000000000/members').type('form').send({ _csrf: csrfOf(form.text), username: 'anna' }).expect(404);
    await admin.get('/admin/groups?cursor=forged').expect(400);
  });

  it('is only for people who may manage groups', async () => {
    const agent = await signedInAgent(app.url, 'agent.smith', PASSWORD);
    const home = await agent.get('/').expect(200);
    expect(home.text).not.toContain('href="/admin/groups"');
    await agent.get('/admin/groups').expect(403);
    await agent.get('/admin/groups/new').expect(403);
    await agent.post('/admin/groups').type('form').send({ _csrf: csrfOf(home.text), name: 'Чужая' }).expect(403);
    const [{ count }] = await app.boot.database.dataSource.query(`SELECT count(*)::int AS count FROM work_groups WHERE name = 'Чужая'`);
    expect(count).toBe(0);
  });
});
