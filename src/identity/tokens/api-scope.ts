import { applyDecorators, type CanActivate, Controller, type ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiForbiddenResponse, ApiIncludeEndpoint, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { API_PREFIX, ApiErrorDto } from '../../kernel/web/openapi';
import { DomainError } from '../../kernel/web/domain-error';
import type { ApiScope } from './api-scopes';

export const SCOPE_KEY = 'opora:api-scope';
const ANY_SCOPE = '*';

/** Thrown for an API route that declares no scope: a programming error, and it fails closed. */
export class UndeclaredScopeError extends Error {}

/**
 * The scope a request made with a token needs for this route (requests with a session cookie are
 * not limited by scopes). It also puts the route in the OpenAPI document.
 */
export const RequireScope = (scope: ApiScope) =>
  applyDecorators(
    SetMetadata(SCOPE_KEY, scope),
    ApiIncludeEndpoint(),
    ApiForbiddenResponse({ type: ApiErrorDto, description: `Without the permission, or a token without the \`${scope}\` scope` }),
  );

/** A route any valid token may call, whatever its scopes (e.g. "who am I"). */
export const AnyScope = () => applyDecorators(SetMetadata(SCOPE_KEY, ANY_SCOPE), ApiIncludeEndpoint());

/**
 * Checks a token's scopes against the route's declaration. Every API route must declare one
 * (RequireScope or AnyScope); a route that does not fails closed, like an undeclared permission.
 */
@Injectable()
export class ApiScopeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const declared = this.reflector.getAllAndOverride<string | undefined>(SCOPE_KEY, [context.getHandler(), context.getClass()]);
    if (!declared) throw new UndeclaredScopeError(`${context.getClass().name}.${context.getHandler().name} declares no API scope`);
    const scopes = context.switchToHttp().getRequest<Request>().apiScopes;
    if (!scopes || declared === ANY_SCOPE || scopes.includes(declared as ApiScope)) return true;
    throw new DomainError('token_scope_missing', 'tokens.errors.scope_missing', 403, { scope: declared });
  }
}

/**
 * A JSON controller under /api/v1: checks token scopes after the global permission and CSRF
 * guards, and is documented under `tag` with the standard 401 answer.
 */
export const ApiV1Controller = (path: string, tag: string) =>
  applyDecorators(
    Controller(path ? `${API_PREFIX}/${path}` : API_PREFIX),
    UseGuards(ApiScopeGuard),
    ApiTags(tag),
    ApiUnauthorizedResponse({ type: ApiErrorDto, description: 'No valid token (or session): missing, unknown, expired or revoked' }),
  );
