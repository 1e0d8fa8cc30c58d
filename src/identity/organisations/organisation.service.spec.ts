import { randomUUID } from 'node:crypto';
import { fakeTransactions, strictFake } from '../../kernel/hooks/testing/fake-data-source';
import type { Actor } from '../../kernel/security/actor';
import type { Role } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import type { Department } from './department.entity';
import type { Location } from './location.entity';
import type { Organisation } from './organisation.entity';
import type { NewOrganisation, OrganisationPageQuery, OrganisationRepository } from './organisation.repository';
import { ORGANISATIONS_PAGE_SIZE, OrganisationService } from './organisation.service';

const actor = (roles: Role[]): Actor => ({ id: randomUUID(), username: 'someone', displayName: 'Someone', roles, isAdmin: roles.includes('administrator'), locale: null, timeZone: null });
const admin = actor(['administrator']);
const agent = actor(['agent']);

/** The departments the tables below pick from: Служба ИТ › Сеть › ЛВС, and one of another organisation. */
type Tree = { it: Department; net: Department; lan: Department; foreign: Department };

const same = (a: string | null, b: string) => a !== null && a.toLowerCase() === b.toLowerCase();

/** The service over an in-memory stand-in of its repository (strict: anything unmodelled fails). */
function newOrganisationService() {
  const organisations = new Map<string, Organisation>();
  const departments = new Map<string, Department>();
  const locations = new Map<string, Location>();
  const calls: string[] = [];
  let raceOn: string | undefined;
  const race = () => {
    if (!raceOn) return;
    const constraint = raceOn;
    raceOn = undefined;
    throw Object.assign(new Error('duplicate key'), { driverError: { code: '23505', constraint } });
  };
  const byName = <T extends { name: string }>(rows: Iterable<T>) => [...rows].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const repo = strictFake<OrganisationRepository>('organisations', {
    page: async (query: OrganisationPageQuery) => {
      calls.push(`page:${JSON.stringify({ ...query, after: query.after ? 'set' : undefined })}`);
      return byName(organisations.values())
        .map((o) => ({ id: o.id, name: o.name, code: o.code, emailDomains: o.emailDomains, active: o.active, position: { key: o.name.toLowerCase(), id: o.id } }))
        .filter((row) => !query.after || row.position.key > query.after.key)
        .slice(0, query.limit);
    },
    findById: async (id: string) => organisations.get(id) ?? null,
    lockById: async (id: string) => organisations.get(id) ?? null,
    findByName: async (name: string) => [...organisations.values()].find((o) => same(o.name, name)) ?? null,
    findByCode: async (code: string) => [...organisations.values()].find((o) => same(o.code, code)) ?? null,
    lockDomains: async () => void calls.push('lockDomains'),
    domainOwner: async (domains: readonly string[], exceptId: string | null) => {
      for (const o of organisations.values()) {
        const domain = o.id !== exceptId && o.emailDomains.find((d) => domains.includes(d));
        if (domain) return { name: o.name, domain };
      }
      return undefined;
    },
    insert: async (data: NewOrganisation) => {
      race();
      const organisation = { id: randomUUID(), createdAt: new Date(), updatedAt: new Date(), ...data } as Organisation;
      organisations.set(organisation.id, organisation);
      return organisation;
    },
    update: async (id: string, changes: Partial<NewOrganisation>) => {
      race();
      Object.assign(organisations.get(id)!, changes);
    },
    departmentsOf: async (organisationId: string) => byName([...departments.values()].filter((d) => d.organisationId === organisationId)),
    findDepartment: async (organisationId: string, id: string) => {
      const department = departments.get(id);
      return department?.organisationId === organisationId ? department : null;
    },
    findDepartmentByName: async (organisationId: string, name: string) =>
      [...departments.values()].find((d) => d.organisationId === organisationId && same(d.name, name)) ?? null,
    insertDepartment: async (data: { organisationId: string; parentId: string | null; name: string }) => {
      race();
      const department = { id: randomUUID(), ...data } as Department;
      departments.set(department.id, department);
      return department;
    },
    updateDepartment: async (id: string, changes: { name: string; parentId: string | null }) => void Object.assign(departments.get(id)!, changes),
    moveChildren: async (id: string, parentId: string | null) => {
      for (const d of departments.values()) if (d.parentId === id) d.parentId = parentId;
    },
    deleteDepartment: async (id: string) => void departments.delete(id),
    locationsOf: async (organisationId: string) => byName([...locations.values()].filter((l) => l.organisationId === organisationId)),
    findLocation: async (organisationId: string, id: string) => {
      const location = locations.get(id);
      return location?.organisationId === organisationId ? location : null;
    },
    findLocationByName: async (organisationId: string, name: string) =>
      [...locations.values()].find((l) => l.organisationId === organisationId && same(l.name, name)) ?? null,
    insertLocation: async (data: { organisationId: string; name: string; address: string }) => {
      race();
      const location = { id: randomUUID(), ...data } as Location;
      locations.set(location.id, location);
      return location;
    },
    updateLocation: async (id: string, changes: { name: string; address: string }) => void Object.assign(locations.get(id)!, changes),
    deleteLocation: async (id: string) => void locations.delete(id),
  });
  const { uow, events } = fakeTransactions();
  return {
    sut: new OrganisationService(repo, uow),
    organisations,
    departments,
    locations,
    calls,
    events,
    raceOnNextWrite: (constraint: string) => (raceOn = constraint),
  };
}

/** The refusal's code and field, or "ok". */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (error instanceof DomainError ? [error.code, error.vars.field].filter(Boolean).join(':') : Promise.reject(error)),
  );

describe('OrganisationService.create and update', () => {
  it('stores a trimmed name, the code and mail domains in their ASCII form', async () => {
    const { sut, calls } = newOrganisationService();
    const organisation = await sut.create(admin, { name: ' ООО  «Ромашка» ', code: ' ROM ', emailDomains: '@Romashka.example\nпочта.рф, romashka.example' });
    expect(organisation).toMatchObject({ name: 'ООО «Ромашка»', code: 'ROM', emailDomains: ['romashka.example', 'xn--80a1acny.xn--p1ai'], active: true });
    expect(calls).toContain('lockDomains');
  });

  it.each([
    ['an empty name', { name: ' ' }, 'name_required:name'],
    ['a name of 201 characters', { name: 'Ж'.repeat(201) }, 'name_too_long:name'],
    ['a name taken in another case', { name: 'бухгалтерия плюс' }, 'name_taken:name'],
    ['a code with spaces', { name: 'New', code: 'A B' }, 'code_invalid:code'],
    ['a code of 33 characters', { name: 'New', code: 'A'.repeat(33) }, 'code_invalid:code'],
    ['a code taken in another case', { name: 'New', code: 'bp' }, 'code_taken:code'],
    ['something that is not a domain', { name: 'New', emailDomains: 'example.com\nnot a domain!' }, 'domain_invalid:emailDomains'],
    ['a domain without a dot', { name: 'New', emailDomains: 'localhost' }, 'domain_invalid:emailDomains'],
    ['a domain of another organisation', { name: 'New', emailDomains: 'BUH.example' }, 'domain_taken:emailDomains'],
    ['51 domains', { name: 'New', emailDomains: Array.from({ length: 51 }, (_, i) => `d${i}.example`) }, 'too_many_domains:emailDomains'],
  ])('refuses %s', async (_label, input, expected) => {
    const { sut, organisations } = newOrganisationService();
    await sut.create(admin, { name: 'Бухгалтерия Плюс', code: 'BP', emailDomains: 'buh.example' });
    expect(await outcome(sut.create(admin, input))).toBe(expected);
    expect(organisations.size).toBe(1);
  });

  it('names the organisation that holds a domain', async () => {
    const { sut } = newOrganisationService();
    await sut.create(admin, { name: 'Бухгалтерия Плюс', emailDomains: 'buh.example' });
    await expect(sut.create(admin, { name: 'New', emailDomains: 'buh.example' })).rejects.toMatchObject({ vars: { domain: 'buh.example', name: 'Бухгалтерия Плюс' } });
  });

  it.each([
    ['organisations_name_lower_key', 'name_taken:name'],
    ['organisations_code_lower_key', 'code_taken:code'],
  ])('answers a duplicate in %s that slipped past the checks as %s', async (constraint, expected) => {
    const { sut, raceOnNextWrite } = newOrganisationService();
    raceOnNextWrite(constraint);
    expect(await outcome(sut.create(admin, { name: 'New', code: 'NEW' }))).toBe(expected);
  });

  it('keeps its own name, code and domains on update, and leaves out what the caller left out', async () => {
    const { sut, organisations } = newOrganisationService();
    const organisation = await sut.create(admin, { name: 'Ромашка', code: 'ROM', emailDomains: 'rom.example' });
    await sut.update(admin, organisation.id, { name: 'РОМАШКА', code: 'rom', emailDomains: 'rom.example', active: false });
    expect(organisations.get(organisation.id)).toMatchObject({ name: 'РОМАШКА', code: 'rom', emailDomains: ['rom.example'], active: false });
    await sut.update(admin, organisation.id, { name: 'Ромашка' });
    expect(organisations.get(organisation.id)).toMatchObject({ name: 'Ромашка', code: 'rom', emailDomains: ['rom.example'], active: false });
  });

  it.each([
    ['another organisation\'s name', { name: 'Лютик' }, 'name_taken:name'],
    ['another organisation\'s code', { name: 'Ромашка', code: 'lut' }, 'code_taken:code'],
    ['another organisation\'s domain', { name: 'Ромашка', emailDomains: 'lutik.example' }, 'domain_taken:emailDomains'],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name_too_long:name'],
  ])('refuses on update %s', async (_label, input, expected) => {
    const { sut, organisations } = newOrganisationService();
    await sut.create(admin, { name: 'Лютик', code: 'LUT', emailDomains: 'lutik.example' });
    const organisation = await sut.create(admin, { name: 'Ромашка' });
    expect(await outcome(sut.update(admin, organisation.id, input))).toBe(expected);
    expect(organisations.get(organisation.id)!.name).toBe('Ромашка');
  });

  it('is refused to someone without admin.organisations.manage, and unknown ids are missing', async () => {
    const { sut } = newOrganisationService();
    expect(await outcome(sut.create(agent, { name: 'New' }))).toBe('forbidden');
    expect(await outcome(sut.list(agent, {}))).toBe('forbidden');
    await expect(sut.update(admin, randomUUID(), { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.view(admin, 'nope')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('OrganisationService.list', () => {
  it('reads one row more than it shows and searches a name prefix or an exact code', async () => {
    const { sut, calls } = newOrganisationService();
    for (let i = 0; i < ORGANISATIONS_PAGE_SIZE + 1; i++) await sut.create(admin, { name: `Организация ${String(i).padStart(3, '0')}` });
    const first = await sut.list(admin, {});
    expect(first.rows).toHaveLength(ORGANISATIONS_PAGE_SIZE);
    expect((await sut.list(admin, { cursor: first.next! })).rows.map((row) => row.name)).toEqual(['Организация 050']);
    calls.length = 0;
    await sut.list(admin, { q: ' 50%_ ' });
    await sut.list(admin, { q: 'ACME' });
    expect(calls).toEqual([
      `page:${JSON.stringify({ prefix: '50\\%\\_', limit: ORGANISATIONS_PAGE_SIZE + 1 })}`,
      `page:${JSON.stringify({ prefix: 'ACME', code: 'ACME', limit: ORGANISATIONS_PAGE_SIZE + 1 })}`,
    ]);
  });

  it('refuses a cursor it did not make', async () => {
    const { sut } = newOrganisationService();
    expect(await outcome(sut.list(admin, { cursor: '!!' }))).toBe('cursor_invalid');
  });
});

describe('OrganisationService departments', () => {
  async function withTree() {
    const fixture = newOrganisationService();
    const { sut } = fixture;
    const org = await sut.create(admin, { name: 'Ромашка' });
    const other = await sut.create(admin, { name: 'Лютик' });
    const it = await sut.addDepartment(admin, org.id, { name: 'Служба ИТ' });
    const net = await sut.addDepartment(admin, org.id, { name: 'Сеть', parentId: it.id });
    const lan = await sut.addDepartment(admin, org.id, { name: 'ЛВС', parentId: net.id });
    const foreign = await sut.addDepartment(admin, other.id, { name: 'Бухгалтерия' });
    return { ...fixture, org, other, it, net, lan, foreign };
  }

  it('builds the tree in order, with depths', async () => {
    const { sut, org } = await withTree();
    await sut.addDepartment(admin, org.id, { name: 'Бухгалтерия' });
    const view = await sut.view(admin, org.id);
    expect(view.departments.map((d) => `${d.depth}:${d.name}`)).toEqual(['0:Бухгалтерия', '0:Служба ИТ', '1:Сеть', '2:ЛВС']);
  });

  it.each([
    ['a name taken in another case', () => ({ name: 'служба ит', parentId: '' }), 'department_taken:name'],
    ['an empty name', () => ({ name: '' }), 'name_required:name'],
    ['a name of 201 characters', () => ({ name: 'д'.repeat(201) }), 'name_too_long:name'],
    ['a parent from another organisation', (t: Tree) => ({ name: 'Новый', parentId: t.foreign.id }), 'parent_unknown:parentId'],
    ['a parent that does not exist', () => ({ name: 'Новый', parentId: randomUUID() }), 'parent_unknown:parentId'],
    ['a parent that is no id', () => ({ name: 'Новый', parentId: 'x' }), 'parent_unknown:parentId'],
  ] as Array<[string, (t: Tree) => { name: string; parentId?: string }, string]>)('refuses to add one with %s', async (_label, input, expected) => {
    const tree = await withTree();
    expect(await outcome(tree.sut.addDepartment(admin, tree.org.id, input(tree)))).toBe(expected);
    expect(tree.departments.size).toBe(4);
  });

  it('lets another organisation use the same department name', async () => {
    const { sut, other } = await withTree();
    expect(await outcome(sut.addDepartment(admin, other.id, { name: 'Служба ИТ' }))).toBe('ok');
  });

  it('renames and moves a department', async () => {
    const { sut, org, lan, departments } = await withTree();
    await sut.updateDepartment(admin, org.id, lan.id, { name: 'Локальная сеть', parentId: '' });
    expect(departments.get(lan.id)).toMatchObject({ name: 'Локальная сеть', parentId: null });
  });

  it.each([
    ['under itself', (t: Tree) => t.it.id, 'department_cycle:parentId'],
    ['under its own child', (t: Tree) => t.net.id, 'department_cycle:parentId'],
    ['under its grandchild', (t: Tree) => t.lan.id, 'department_cycle:parentId'],
    ['under another organisation\'s department', (t: Tree) => t.foreign.id, 'parent_unknown:parentId'],
  ])('refuses to move a department %s', async (_label, parent, expected) => {
    const tree = await withTree();
    expect(await outcome(tree.sut.updateDepartment(admin, tree.org.id, tree.it.id, { name: 'Служба ИТ', parentId: parent(tree) }))).toBe(expected);
    expect(tree.departments.get(tree.it.id)!.parentId).toBeNull();
  });

  it('refuses a rename to a sibling\'s name', async () => {
    const { sut, org, lan } = await withTree();
    expect(await outcome(sut.updateDepartment(admin, org.id, lan.id, { name: 'СЕТЬ', parentId: '' }))).toBe('department_taken:name');
  });

  it('answers another organisation\'s department as missing', async () => {
    const { sut, org, foreign } = await withTree();
    await expect(sut.updateDepartment(admin, org.id, foreign.id, { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.removeDepartment(admin, org.id, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.departmentForm(admin, org.id, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('moves the sub-departments of a removed department up one level', async () => {
    const { sut, org, net, lan, it: top, departments } = await withTree();
    await sut.removeDepartment(admin, org.id, net.id);
    expect(departments.has(net.id)).toBe(false);
    expect(departments.get(lan.id)!.parentId).toBe(top.id);
  });

  it('offers as parents everything but the department and what lies below it', async () => {
    const { sut, org, net } = await withTree();
    const form = await sut.departmentForm(admin, org.id, net.id);
    expect(form.parents.map((d) => d.name)).toEqual(['Служба ИТ']);
  });

  it('is refused to someone without admin.organisations.manage', async () => {
    const { sut, org, net } = await withTree();
    expect(await outcome(sut.addDepartment(agent, org.id, { name: 'X' }))).toBe('forbidden');
    expect(await outcome(sut.removeDepartment(agent, org.id, net.id))).toBe('forbidden');
  });
});

describe('OrganisationService locations', () => {
  it('adds, renames and removes a location', async () => {
    const { sut, locations } = newOrganisationService();
    const org = await sut.create(admin, { name: 'Ромашка' });
    const office = await sut.addLocation(admin, org.id, { name: ' Главный офис ', address: 'Ташкент, ул. Навои, 1\r\n3 этаж' });
    expect(office).toMatchObject({ name: 'Главный офис', address: 'Ташкент, ул. Навои, 1\n3 этаж' });
    await sut.updateLocation(admin, org.id, office.id, { name: 'Офис', address: '' });
    expect(locations.get(office.id)).toMatchObject({ name: 'Офис', address: '' });
    await sut.removeLocation(admin, org.id, office.id);
    expect(locations.size).toBe(0);
  });

  it.each([
    ['a name taken in another case', { name: 'склад' }, 'location_taken:name'],
    ['an empty name', { name: '' }, 'name_required:name'],
    ['an address of 501 characters', { name: 'Новый', address: 'а'.repeat(501) }, 'text_too_long:address'],
  ])('refuses to add one with %s', async (_label, input, expected) => {
    const { sut, locations } = newOrganisationService();
    const org = await sut.create(admin, { name: 'Ромашка' });
    await sut.addLocation(admin, org.id, { name: 'Склад' });
    expect(await outcome(sut.addLocation(admin, org.id, input))).toBe(expected);
    expect(locations.size).toBe(1);
  });

  it('refuses a rename to another location\'s name', async () => {
    const { sut } = newOrganisationService();
    const org = await sut.create(admin, { name: 'Ромашка' });
    await sut.addLocation(admin, org.id, { name: 'Склад' });
    const office = await sut.addLocation(admin, org.id, { name: 'Офис' });
    expect(await outcome(sut.updateLocation(admin, org.id, office.id, { name: 'СКЛАД' }))).toBe('location_taken:name');
  });

  it('answers another organisation\'s location as missing', async () => {
    const { sut } = newOrganisationService();
    const org = await sut.create(admin, { name: 'Ромашка' });
    const other = await sut.create(admin, { name: 'Лютик' });
    const foreign = await sut.addLocation(admin, other.id, { name: 'Склад' });
    await expect(sut.location(admin, org.id, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.updateLocation(admin, org.id, foreign.id, { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.removeLocation(admin, org.id, foreign.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('is refused to someone without admin.organisations.manage', async () => {
    const { sut } = newOrganisationService();
    const org = await sut.create(admin, { name: 'Ромашка' });
    expect(await outcome(sut.addLocation(agent, org.id, { name: 'Склад' }))).toBe('forbidden');
  });
});
