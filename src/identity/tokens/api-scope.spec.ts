import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../../kernel/security/actor';
import { DomainError } from '../../kernel/web/domain-error';
import { AnyScope, ApiScopeGuard, RequireScope, UndeclaredScopeError } from './api-scope';
import type { ApiScope } from './api-scopes';
import { checkScopes } from './api-scopes';
import { apiTokenMiddleware, isApiPath } from './api-token.middleware';
import type { TokenIdentity } from './api-token.service';

class Routes {
  @RequireScope('users:read') read() {}
  @AnyScope() whoami() {}
  forgotten() {}
}

function contextFor(handler: keyof Routes, apiScopes?: ApiScope[]): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => ({ apiScopes }) }),
  } as unknown as ExecutionContext;
}

describe('ApiScopeGuard', () => {
  const guard = new ApiScopeGuard(new Reflector());

  it('fails closed on a route that declares no scope, with or without a token', () => {
    expect(() => guard.canActivate(contextFor('forgotten'))).toThrow(UndeclaredScopeError);
    expect(() => guard.canActivate(contextFor('forgotten', ['users:read']))).toThrow(UndeclaredScopeError);
  });
  it('does not limit a session (no token scopes)', () => expect(guard.canActivate(contextFor('read'))).toBe(true));
  it('lets a token with the scope through', () => expect(guard.canActivate(contextFor('read', ['tokens:read', 'users:read']))).toBe(true));
  it('refuses a token without the scope with 403', () => {
    const error = (() => {
      try {
        guard.canActivate(contextFor('read', ['tokens:read']));
      } catch (caught) {
        return caught as DomainError;
      }
    })();
    expect(error).toMatchObject({ code: 'token_scope_missing', status: 403, vars: { scope: 'users:read' } });
  });
  it('lets any token call a route open to any scope', () => expect(guard.canActivate(contextFor('whoami', ['tokens:read']))).toBe(true));
});

describe('checkScopes', () => {
  it('keeps known scopes once, in the list order', () => expect(checkScopes(['tokens:read', 'users:read', 'tokens:read'])).toEqual(['users:read', 'tokens:read']));
  it('names the unknown ones', () => expect(() => checkScopes(['users:read', '*', 'admin'])).toThrow(expect.objectContaining({ vars: { scope: '*, admin' } })));
  it('never takes a prototype key for a scope', () => expect(() => checkScopes(['constructor'])).toThrow(DomainError));
});

describe('apiTokenMiddleware', () => {
  const owner: Actor = { id: 'u-1', username: 'alice', displayName: 'Alice', roles: [], isAdmin: false, locale: null, timeZone: null };
  const sessionActor: Actor = { ...owner, id: 'u-session', username: 'bob' };

  async function run(path: string, authorization: string | undefined, identity: TokenIdentity | null) {
    const authenticate = jest.fn(async (_token: string) => identity);
    const headers: Record<string, string> = {};
    const req = { path, actor: sessionActor, get: (name: string) => (name === 'authorization' ? authorization : undefined) } as unknown as Request;
    const res = { set: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
    const error = await new Promise<unknown>((resolve) => apiTokenMiddleware(authenticate)(req, res, ((e?: unknown) => resolve(e)) as NextFunction));
    return { req, error: error as DomainError | undefined, headers, authenticate };
  }

  it('puts the owner and the scopes on a request with a valid token, replacing the session actor', async () => {
    const { req, error, authenticate } = await run('/api/v1/me', 'Bearer opora_abc', { actor: owner, scopes: ['users:read'], tokenId: 't-1' });
    expect(error).toBeUndefined();
    expect(authenticate).toHaveBeenCalledWith('opora_abc');
    expect(req.actor).toBe(owner);
    expect(req.apiScopes).toEqual(['users:read']);
  });

  it.each([
    ['an unknown token', 'Bearer opora_nope'],
    ['another scheme', 'Basic YWxpY2U6cGFzcw=='],
    ['an empty bearer', 'Bearer '],
  ])('refuses %s with 401 and never falls back to the session', async (_case, header) => {
    const { req, error, headers } = await run('/api/v1/users', header, null);
    expect(error).toMatchObject({ code: 'token_invalid', status: 401 });
    expect(headers['WWW-Authenticate']).toContain('invalid_token');
    expect(req.apiScopes).toBeUndefined();
  });

  it('ignores the header outside /api/v1 and leaves requests without it alone', async () => {
    for (const [path, header] of [['/admin/groups', 'Bearer opora_x'], ['/api/docs-json', 'Bearer opora_x'], ['/api/v1/me', undefined]] as const) {
      const { req, error, authenticate } = await run(path, header, null);
      expect(error).toBeUndefined();
      expect(authenticate).not.toHaveBeenCalled();
      expect(req.actor).toBe(sessionActor);
    }
  });

  it('knows the API paths in any case, as Express routes them', () => {
    expect(['/api/v1', '/api/v1/me', '/API/V1/users'].every(isApiPath)).toBe(true);
    expect(['/api/v10/me', '/api/docs', '/', '/apiv1'].some(isApiPath)).toBe(false);
  });
});
