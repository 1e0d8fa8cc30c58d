import { HookBus } from '../kernel/hooks/hook-bus';
import { fakeTransactions, strictFake } from '../kernel/hooks/testing/fake-data-source';
import type { AuditService } from '../kernel/audit/audit.service';
import type { Role } from '../kernel/security/roles';
import { NotFoundError } from '../kernel/web/domain-error';
import { userRecord } from './testing/user-record';
import { UserRoleService } from './user-role.service';
import type { UserRepository } from './user.repository';

function newRoleService(roles: Role[] | null) {
  const calls: string[] = [];
  const users = strictFake<UserRepository>('users', {
    findById: async (id: string) => (roles ? userRecord({ id, username: 'olga', roles }) : null),
    setRoles: async (_id: string, next: Role[]) => void calls.push(`setRoles:${next.join(',')}`),
  });
  const audit = strictFake<AuditService>('audit', {
    record: async (event: string, entry: { details?: Record<string, unknown> }) => void calls.push(`audit:${event}:${JSON.stringify(entry.details)}`),
  });
  const { uow } = fakeTransactions();
  const hooks = new HookBus(uow);
  const fired: string[] = [];
  hooks.addAction('user.roles.changed', ({ before, after, source }) => void fired.push(`${before.join(',')}>${after.join(',')}:${source}`));
  return { sut: new UserRoleService(users, audit, hooks, uow), calls, fired, hooks };
}

describe('UserRoleService.setRoles', () => {
  it('stores the roles sorted and once each, audits before and after, and announces the change', async () => {
    const { sut, calls, fired, hooks } = newRoleService(['requester']);
    await expect(sut.setRoles('u-1', ['specialist', 'agent', 'agent'], { actorId: 'admin-1', source: 'admin' })).resolves.toBe(true);
    await hooks.settled();
    expect(calls).toEqual([
      'setRoles:agent,specialist',
      'audit:user.role.changed:{"before":["requester"],"after":["agent","specialist"],"source":"admin"}',
    ]);
    expect(fired).toEqual(['requester>agent,specialist:admin']);
  });

  it('leaves no trace when the roles are the same in another order', async () => {
    const { sut, calls, fired, hooks } = newRoleService(['agent', 'requester']);
    await expect(sut.setRoles('u-1', ['requester', 'agent'], { actorId: null, source: 'directory' })).resolves.toBe(false);
    await hooks.settled();
    expect(calls).toEqual([]);
    expect(fired).toEqual([]);
  });

  it('answers a missing person as not found', async () => {
    const { sut } = newRoleService(null);
    await expect(sut.setRoles('u-404', ['agent'], { actorId: null, source: 'cli' })).rejects.toBeInstanceOf(NotFoundError);
  });
});
