import { fakeTransactions, strictFake } from '../kernel/hooks/testing/fake-data-source';
import type { PasswordHasher } from '../kernel/security/password-hasher';
import { DomainError } from '../kernel/web/domain-error';
import { checkRoles, UserAdminService } from './user-admin.service';
import type { User } from './user.entity';
import type { NewUser, UserRepository } from './user.repository';

function newUserAdminService(existing: string[] = []) {
  const created: NewUser[] = [];
  const users = strictFake<UserRepository>('users', {
    findByUsername: async (name: string) => (existing.includes(name.toLowerCase()) ? ({ id: 'x' } as User) : null),
    create: async (data: NewUser) => {
      created.push(data);
      return { id: 'new', active: true, locale: null, timeZone: null, passwordHash: null, roles: [], ...data } as unknown as User;
    },
  });
  const hasher = strictFake<PasswordHasher>('hasher', { hash: async (password: string) => `hash:${password}` });
  return { sut: new UserAdminService(users, hasher, fakeTransactions().uow), created };
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error) => (error instanceof DomainError ? error.code : Promise.reject(error)),
  );

describe('UserAdminService.create', () => {
  it('creates a person with roles and a hashed password', async () => {
    const { sut, created } = newUserAdminService();
    const actor = await sut.create({ username: ' Иван.Петров ', email: 'ivan@example.test', roles: ['agent', 'agent', 'specialist'], password: 'a long enough password' });
    expect(actor).toMatchObject({ username: 'Иван.Петров', roles: ['agent', 'specialist'], isAdmin: false });
    expect(created[0]).toMatchObject({ passwordHash: 'hash:a long enough password', displayName: 'Иван.Петров' });
  });

  it('creates a directory-only person without a password', async () => {
    const { sut, created } = newUserAdminService();
    await sut.create({ username: 'dir.user' });
    expect(created[0]!.passwordHash).toBeNull();
  });

  it.each([
    [{ username: 'a*)(uid=*' }, 'username_invalid'],
    [{ username: '' }, 'username_invalid'],
    [{ username: 'x'.repeat(201) }, 'username_invalid'],
    [{ username: 'ok', roles: ['root'] }, 'role_unknown'],
    [{ username: 'ok', email: 'not an address' }, 'email_invalid'],
    [{ username: 'ok', password: 'short' }, 'password_rejected'],
    [{ username: 'Taken' }, 'username_taken'],
  ])('refuses %p with %s', async (input, code) => {
    const { sut, created } = newUserAdminService(['taken']);
    expect(await codeOf(sut.create(input))).toBe(code);
    expect(created).toEqual([]);
  });
});

describe('checkRoles', () => {
  it('names every unknown role', () => {
    expect(() => checkRoles(['agent', 'wizard', 'king'])).toThrow(expect.objectContaining({ vars: { role: 'wizard, king' } }));
  });
});
