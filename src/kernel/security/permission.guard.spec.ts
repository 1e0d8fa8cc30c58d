import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Actor } from './actor';
import { PermissionGuard, UndeclaredPermissionError } from './permission.guard';
import { Public, RequirePermission } from './permissions';
import { DomainError } from '../web/domain-error';

class Routes {
  @Public() open() {}
  @RequirePermission('admin.plugins.manage') admin() {}
  @RequirePermission('dashboard.view') dashboard() {}
  forgotten() {}
}

const actor = (isAdmin: boolean): Actor => ({
  id: 'u1',
  username: 'u',
  displayName: 'U',
  roles: isAdmin ? ['administrator'] : ['agent'],
  isAdmin,
  locale: null,
  timeZone: null,
});

function contextFor(handler: keyof Routes, user?: Actor): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ actor: user }) }),
  } as unknown as ExecutionContext;
}

describe('PermissionGuard', () => {
  const guard = new PermissionGuard(new Reflector());
  const statusOf = (run: () => unknown) => {
    try {
      run();
      return 'allowed';
    } catch (error) {
      return error instanceof DomainError ? error.status : (error as Error).name;
    }
  };

  it('fails closed on a route that declares nothing', () => {
    expect(() => guard.canActivate(contextFor('forgotten', actor(true)))).toThrow(UndeclaredPermissionError);
  });
  it('lets anyone open a public route', () => expect(guard.canActivate(contextFor('open'))).toBe(true));
  it('sends a visitor of a protected route to sign in (401)', () => expect(statusOf(() => guard.canActivate(contextFor('dashboard')))).toBe(401));
  it('refuses a signed-in user without the permission (403)', () => expect(statusOf(() => guard.canActivate(contextFor('admin', actor(false))))).toBe(403));
  it('allows a user with the permission', () => {
    expect(guard.canActivate(contextFor('dashboard', actor(false)))).toBe(true);
    expect(guard.canActivate(contextFor('admin', actor(true)))).toBe(true);
  });
});
