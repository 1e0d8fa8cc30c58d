import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { DomainError } from '../web/domain-error';
import { actorCan, PERMISSION_KEY, PUBLIC_ROUTE, type Permission } from './permissions';

/** Thrown for a route that declares no permission: it is a programming error, and it fails closed. */
export class UndeclaredPermissionError extends Error {}

/**
 * The global guard: a route must declare a permission or be public; a signed-out visitor of a
 * protected route is sent to sign in; a signed-in one without the permission gets 403.
 */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const declared = this.reflector.getAllAndOverride<string | undefined>(PERMISSION_KEY, [context.getHandler(), context.getClass()]);
    if (!declared) {
      throw new UndeclaredPermissionError(`${context.getClass().name}.${context.getHandler().name} declares no permission`);
    }
    if (declared === PUBLIC_ROUTE) return true;
    const request = context.switchToHttp().getRequest<Request>();
    if (!request.actor) throw new DomainError('unauthenticated', 'errors.unauthenticated', 401);
    if (!actorCan(request.actor, declared as Permission)) throw new DomainError('forbidden', 'errors.forbidden', 403);
    return true;
  }
}
