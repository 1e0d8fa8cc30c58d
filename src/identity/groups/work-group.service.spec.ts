import { randomUUID } from 'node:crypto';
import { fakeTransactions, strictFake } from '../../kernel/hooks/testing/fake-data-source';
import type { Actor } from '../../kernel/security/actor';
import type { Role } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { decodeNameCursor } from '../organisations/named-records';
import { userRecord } from '../testing/user-record';
import type { User } from '../user.entity';
import type { UserRepository } from '../user.repository';
import type { WorkGroup } from './work-group.entity';
import type { NamePageQuery, NewWorkGroup, WorkGroupListRow, WorkGroupMemberRow, WorkGroupRepository } from './work-group.repository';
import { GROUPS_PAGE_SIZE, LEAD_CHOICES_MAX, WorkGroupService } from './work-group.service';

const actor = (roles: Role[]): Actor => ({ id: randomUUID(), username: 'someone', displayName: 'Someone', roles, isAdmin: roles.includes('administrator'), locale: null, timeZone: null });
const admin = actor(['administrator']);
const agent = actor(['agent']);

function person(username: string, active = true): User {
  return userRecord({ id: randomUUID(), username, displayName: `${username} display`, active });
}

/**
 * The service over an in-memory stand-in of its repository (strict: a method the service should
 * not need fails the test) and a fixed set of people.
 */
function newWorkGroupService(people: User[] = []) {
  const groups = new Map<string, WorkGroup>();
  const members = new Set<string>();
  const key = (groupId: string, userId: string) => `${groupId}/${userId}`;
  const calls: string[] = [];
  let raceOnWrite = false;
  const duplicate = () => Object.assign(new Error('duplicate key'), { driverError: { code: '23505', constraint: 'work_groups_name_lower_key' } });
  const memberRows = (groupId: string): WorkGroupMemberRow[] =>
    people
      .filter((user) => members.has(key(groupId, user.id)))
      .map((user) => ({ userId: user.id, username: user.username, displayName: user.displayName, active: user.active, position: { key: user.username.toLowerCase(), id: user.id } }))
      .sort((a, b) => (a.position.key < b.position.key ? -1 : 1));
  const repo = strictFake<WorkGroupRepository>('groups', {
    page: async (query: NamePageQuery) => {
      calls.push(`page:${query.limit}`);
      const rows: WorkGroupListRow[] = [...groups.values()]
        .map((group) => ({ id: group.id, name: group.name, email: group.email, active: group.active, leadId: group.leadId, leadUsername: null, leadDisplayName: null, position: { key: group.name.toLowerCase(), id: group.id } }))
        .sort((a, b) => (a.position.key < b.position.key ? -1 : 1))
        .filter((row) => !query.after || row.position.key > query.after.key);
      return rows.slice(0, query.limit);
    },
    memberCounts: async (ids: readonly string[]) => {
      calls.push(`counts:${ids.length}`);
      return new Map(ids.map((id) => [id, memberRows(id).length]));
    },
    findById: async (id: string) => groups.get(id) ?? null,
    lockById: async (id: string) => groups.get(id) ?? null,
    findByName: async (name: string) => [...groups.values()].find((group) => group.name.toLowerCase() === name.toLowerCase()) ?? null,
    insert: async (data: NewWorkGroup) => {
      if (raceOnWrite) throw duplicate();
      const group = { id: randomUUID(), createdAt: new Date(), updatedAt: new Date(), ...data } as WorkGroup;
      groups.set(group.id, group);
      return group;
    },
    update: async (id: string, changes: Partial<NewWorkGroup>) => {
      if (raceOnWrite) throw duplicate();
      Object.assign(groups.get(id)!, changes);
    },
    delete: async (id: string) => void groups.delete(id),
    hasMembers: async (groupId: string) => memberRows(groupId).length > 0,
    isMember: async (groupId: string, userId: string) => members.has(key(groupId, userId)),
    addMember: async (groupId: string, userId: string) => !members.has(key(groupId, userId)) && Boolean(members.add(key(groupId, userId))),
    removeMember: async (groupId: string, userId: string) => members.delete(key(groupId, userId)),
    membersPage: async (groupId: string, query: { limit: number }) => memberRows(groupId).slice(0, query.limit),
  });
  const users = strictFake<UserRepository>('users', {
    findByUsername: async (name: string) => people.find((user) => user.username.toLowerCase() === name.toLowerCase()) ?? null,
    findById: async (id: string) => people.find((user) => user.id === id) ?? null,
  });
  const { uow, events } = fakeTransactions();
  const sut = new WorkGroupService(repo, users, uow);
  return {
    sut,
    groups,
    events,
    calls,
    isMember: (groupId: string, userId: string) => members.has(key(groupId, userId)),
    raceOnNextWrite: () => (raceOnWrite = true),
  };
}

/** The refusal's code and field, or "ok". */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (error instanceof DomainError ? [error.code, error.vars.field].filter(Boolean).join(':') : Promise.reject(error)),
  );

describe('WorkGroupService.create', () => {
  it('stores the trimmed name and makes the lead the first member', async () => {
    const lead = person('Иван.Петров');
    const { sut, isMember, events } = newWorkGroupService([lead]);
    const group = await sut.create(admin, { name: '  Служба   ИТ ', description: ' 1st line ', email: 'it@example.test', lead: 'иван.петров' });
    expect(group).toMatchObject({ name: 'Служба ИТ', description: '1st line', email: 'it@example.test', leadId: lead.id, active: true });
    expect(isMember(group.id, lead.id)).toBe(true);
    expect(events).toEqual(['begin', 'commit']);
  });

  it.each([
    ['an empty name', { name: '' }, 'name_required:name'],
    ['a blank name', { name: '   ' }, 'name_required:name'],
    ['a name of 201 characters', { name: 'я'.repeat(201) }, 'name_too_long:name'],
    ['a description of 2001 characters', { name: 'Ok', description: 'x'.repeat(2001) }, 'text_too_long:description'],
    ['a mailbox that is no address', { name: 'Ok', email: 'not an address' }, 'email_invalid:email'],
    ['a name taken in another case', { name: 'бухгалтерия' }, 'name_taken:name'],
    ['an unknown lead', { name: 'Ok', lead: 'nobody' }, 'user_unknown:lead'],
    ['a disabled lead', { name: 'Ok', lead: 'gone' }, 'user_inactive:lead'],
    ['a lead name that cannot be one', { name: 'Ok', lead: 'a*)(uid=*' }, 'user_unknown:lead'],
  ])('refuses %s', async (_label, input, expected) => {
    const { sut, groups } = newWorkGroupService([person('gone', false)]);
    await sut.create(admin, { name: 'Бухгалтерия' });
    expect(await outcome(sut.create(admin, input))).toBe(expected);
    expect(groups.size).toBe(1);
  });

  it('accepts a name of exactly 200 characters, counted as characters', async () => {
    const { sut } = newWorkGroupService();
    expect(await outcome(sut.create(admin, { name: '😀'.repeat(200) }))).toBe('ok');
  });

  it('answers a duplicate that slipped past the check (two admins at once) as a taken name', async () => {
    const { sut, raceOnNextWrite } = newWorkGroupService();
    raceOnNextWrite();
    expect(await outcome(sut.create(admin, { name: 'Сеть' }))).toBe('name_taken:name');
  });

  it('is refused to someone without admin.groups.manage', async () => {
    const { sut } = newWorkGroupService();
    expect(await outcome(sut.create(agent, { name: 'Сеть' }))).toBe('forbidden');
  });
});

describe('WorkGroupService.update', () => {
  it('changes the fields and sets a member as lead', async () => {
    const anna = person('anna');
    const { sut, groups } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть' });
    await sut.addMember(admin, group.id, 'anna');
    await sut.update(admin, group.id, { name: 'сеть', description: 'LAN', email: '', lead: 'Anna', active: false });
    expect(groups.get(group.id)).toMatchObject({ name: 'сеть', description: 'LAN', email: null, leadId: anna.id, active: false });
  });

  it('leaves out what the caller left out', async () => {
    const anna = person('anna');
    const { sut, groups } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть', description: 'LAN', lead: 'anna' });
    await sut.update(admin, group.id, { name: 'Сеть 2' });
    expect(groups.get(group.id)).toMatchObject({ name: 'Сеть 2', description: 'LAN', leadId: anna.id, active: true });
  });

  it.each([
    ['another group\'s name', { name: 'Бухгалтерия' }, 'name_taken:name'],
    ['a name of 201 characters', { name: 'x'.repeat(201) }, 'name_too_long:name'],
    ['a lead who is not a member', { name: 'Сеть', lead: 'boris' }, 'lead_not_member:lead'],
    ['a lead who does not exist', { name: 'Сеть', lead: 'nobody' }, 'lead_not_member:lead'],
  ])('refuses %s', async (_label, input, expected) => {
    const { sut, groups } = newWorkGroupService([person('boris')]);
    await sut.create(admin, { name: 'Бухгалтерия' });
    const group = await sut.create(admin, { name: 'Сеть' });
    expect(await outcome(sut.update(admin, group.id, input))).toBe(expected);
    expect(groups.get(group.id)!.name).toBe('Сеть');
  });

  it('answers an unknown or malformed id as missing', async () => {
    const { sut } = newWorkGroupService();
    await expect(sut.update(admin, randomUUID(), { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.update(admin, '../etc', { name: 'X' })).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('WorkGroupService members', () => {
  it('adds a member by user name in any case, once', async () => {
    const anna = person('Anna');
    const { sut, isMember } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть' });
    expect(await sut.addMember(admin, group.id, ' anna ')).toMatchObject({ id: anna.id, username: 'Anna' });
    expect(isMember(group.id, anna.id)).toBe(true);
    expect(await outcome(sut.addMember(admin, group.id, 'ANNA'))).toBe('already_member:username');
  });

  it.each([
    ['nobody', 'user_unknown:username'],
    ['gone', 'user_inactive:username'],
    ['', 'user_unknown:username'],
  ])('refuses to add %p with %s', async (username, expected) => {
    const { sut } = newWorkGroupService([person('gone', false)]);
    const group = await sut.create(admin, { name: 'Сеть' });
    expect(await outcome(sut.addMember(admin, group.id, username))).toBe(expected);
  });

  it('clears the lead when the lead leaves', async () => {
    const anna = person('anna');
    const { sut, groups } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть', lead: 'anna' });
    expect(await sut.removeMember(admin, group.id, anna.id)).toEqual({ leadCleared: true });
    expect(groups.get(group.id)!.leadId).toBeNull();
  });

  it('keeps the lead when another member leaves', async () => {
    const [anna, boris] = [person('anna'), person('boris')];
    const { sut, groups } = newWorkGroupService([anna, boris]);
    const group = await sut.create(admin, { name: 'Сеть', lead: 'anna' });
    await sut.addMember(admin, group.id, 'boris');
    expect(await sut.removeMember(admin, group.id, boris.id)).toEqual({ leadCleared: false });
    expect(groups.get(group.id)!.leadId).toBe(anna.id);
  });

  it('answers removing a non-member, or from an unknown group, as missing', async () => {
    const anna = person('anna');
    const { sut } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть' });
    await expect(sut.removeMember(admin, group.id, anna.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.removeMember(admin, randomUUID(), anna.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(sut.removeMember(admin, group.id, 'not-an-id')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses member changes to someone without admin.groups.manage', async () => {
    const anna = person('anna');
    const { sut } = newWorkGroupService([anna]);
    const group = await sut.create(admin, { name: 'Сеть' });
    expect(await outcome(sut.addMember(agent, group.id, 'anna'))).toBe('forbidden');
    expect(await outcome(sut.removeMember(agent, group.id, anna.id))).toBe('forbidden');
  });
});

describe('WorkGroupService.delete', () => {
  it('refuses a group with members (deactivate it instead)', async () => {
    const { sut, groups } = newWorkGroupService([person('anna')]);
    const group = await sut.create(admin, { name: 'Сеть', lead: 'anna' });
    expect(await outcome(sut.delete(admin, group.id))).toBe('group_has_members');
    expect(groups.has(group.id)).toBe(true);
  });

  it('deletes an empty group', async () => {
    const { sut, groups } = newWorkGroupService();
    const group = await sut.create(admin, { name: 'Сеть' });
    await sut.delete(admin, group.id);
    expect(groups.has(group.id)).toBe(false);
    await expect(sut.delete(admin, group.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('WorkGroupService.list and view', () => {
  it('reads one row more than it shows, counts members of the shown rows in one call, and links the next page', async () => {
    const { sut, calls } = newWorkGroupService();
    for (let i = 0; i < GROUPS_PAGE_SIZE + 3; i++) await sut.create(admin, { name: `Группа ${String(i).padStart(3, '0')}` });
    const first = await sut.list(admin, {});
    expect(first.rows).toHaveLength(GROUPS_PAGE_SIZE);
    expect(calls).toEqual([`page:${GROUPS_PAGE_SIZE + 1}`, `counts:${GROUPS_PAGE_SIZE}`]);
    expect(decodeNameCursor(first.next!)).toEqual(first.rows.at(-1)!.position);
    const second = await sut.list(admin, { cursor: first.next! });
    expect(second.rows.map((row) => row.name)).toEqual(['Группа 050', 'Группа 051', 'Группа 052']);
    expect(second.next).toBeNull();
  });

  it('refuses a cursor it did not make', async () => {
    const { sut } = newWorkGroupService();
    expect(await outcome(sut.list(admin, { cursor: 'bm90IGEgY3Vyc29y' }))).toBe('cursor_invalid');
  });

  it('offers every member as lead up to the limit, then asks for a typed name', async () => {
    const people = Array.from({ length: LEAD_CHOICES_MAX + 1 }, (_, i) => person(`user${String(i).padStart(4, '0')}`));
    const { sut } = newWorkGroupService(people);
    const group = await sut.create(admin, { name: 'Все' });
    await sut.addMember(admin, group.id, 'user0000');
    expect((await sut.view(admin, group.id)).leadChoices).toHaveLength(1);
    for (const user of people.slice(1)) await sut.addMember(admin, group.id, user.username);
    const big = await sut.view(admin, group.id);
    expect(big.leadChoices).toBeNull();
    expect(big.members.next).not.toBeNull();
  });

  it('answers an unknown group as missing', async () => {
    const { sut } = newWorkGroupService();
    await expect(sut.view(admin, randomUUID())).rejects.toBeInstanceOf(NotFoundError);
  });
});
