import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';
import { DomainError } from '../web/domain-error';

/**
 * Synchronizer-token CSRF protection (csrf-sync): the token lives in the server-side session and
 * every form posts it back as `_csrf` (htmx and scripts send the `X-CSRF-Token` header).
 */
const csrf = csrfSync({
  getTokenFromRequest: (req) => (typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token')),
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The token to embed in the page's forms (created on first use, then stable for the session). */
export function csrfTokenFor(req: Request): string {
  return csrf.generateToken(req);
}

/** Whether the request carries the session's token (the multipart parser asks before it stores a file). */
export function csrfTokenValid(req: Request): boolean {
  return Boolean(req.session) && csrf.isRequestValid(req);
}

/**
 * Checks the token on every state-changing request. It runs as a guard rather than as Express
 * middleware so that a refusal reaches the global error filter like any other error.
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    // A request authenticated by an API token (req.apiScopes) carries its credential in a header that
    // another site cannot make a browser send: there is no cookie for a forged request to ride on.
    if (SAFE_METHODS.has(req.method) || req.apiScopes) return true;
    if (!csrfTokenValid(req)) throw new DomainError('csrf_invalid', 'errors.csrf', 403);
    return true;
  }
}
