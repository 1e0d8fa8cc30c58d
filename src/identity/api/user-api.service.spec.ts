import { strictFake } from '../../kernel/hooks/testing/fake-data-source';
import type { Actor } from '../../kernel/security/actor';
import { NotFoundError } from '../../kernel/web/domain-error';
import type { User } from '../user.entity';
import type { UserRepository } from '../user.repository';
import { decodeUserCursor, encodeUserCursor } from './user-cursor';
import type { UserApiRepository, UserPageRow } from './user-api.repository';
import { UserApiService } from './user-api.service';

const actor = (id: string, admin = false): Actor => ({
  id,
  username: id,
  displayName: id,
  roles: admin ? ['administrator'] : ['agent'],
  isAdmin: admin,
  locale: null,
  timeZone: null,
});
const user = (id: string) => ({ id, username: id }) as User;

function newService(users: Partial<UserRepository> = {}, pages: Partial<UserApiRepository> = {}) {
  return new UserApiService(strictFake<UserRepository>('users', users), strictFake<UserApiRepository>('pages', pages));
}

describe('UserApiService.view', () => {
  it('shows a person themselves', async () => {
    const findById = jest.fn(async (id: string) => user(id));
    await expect(newService({ findById }).view(actor('u-1'), 'u-1')).resolves.toMatchObject({ id: 'u-1' });
  });

  it('answers another person exactly like a missing one, without reading them', async () => {
    const error = await newService().view(actor('u-1'), 'u-2').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
  });

  it('shows anyone to an administrator, and 404 for nobody', async () => {
    const findById = jest.fn(async (id: string) => (id === 'u-2' ? user(id) : null));
    const sut = newService({ findById });
    await expect(sut.view(actor('a', true), 'u-2')).resolves.toMatchObject({ id: 'u-2' });
    await expect(sut.view(actor('a', true), 'u-3')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('UserApiService.page', () => {
  const rows = (keys: string[]): UserPageRow[] => keys.map((key) => ({ user: user(key), sortKey: key }));

  it('refuses someone who may not see every person', async () => {
    await expect(newService().page(actor('u-1'), undefined, 10)).rejects.toMatchObject({ status: 403 });
  });

  it('reads one row more than it shows to know whether a next page exists', async () => {
    const page = jest.fn(async (_after: string | undefined, limit: number) => rows(['a', 'b', 'c']).slice(0, limit));
    const sut = newService({}, { page });
    const first = await sut.page(actor('x', true), undefined, 2);
    expect(page).toHaveBeenCalledWith(undefined, 3);
    expect(first.users.map((u) => u.id)).toEqual(['a', 'b']);
    expect(decodeUserCursor(first.nextCursor!)).toBe('b');
    const last = await sut.page(actor('x', true), first.nextCursor!, 5);
    expect(page).toHaveBeenLastCalledWith('b', 6);
    expect(last.nextCursor).toBeNull();
  });

  it('refuses a cursor it did not make with 400', async () => {
    const sut = newService();
    for (const cursor of ['', 'not base64!', 'YR', `${encodeUserCursor('a')}=`, 'x'.repeat(2000)]) {
      await expect(sut.page(actor('x', true), cursor, 10)).rejects.toMatchObject({ code: 'cursor_invalid', status: 400 });
    }
  });
});
