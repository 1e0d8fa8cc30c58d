import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { DomainError } from '../../kernel/web/domain-error';
import type { TokenIdentity } from './api-token.service';

const BEARER = /^Bearer +(\S+) *$/i;

/** Whether a path is under /api/v1 (Express matches routes in any case, so this does too). */
export function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return lower === '/api/v1' || lower.startsWith('/api/v1/');
}

/**
 * `Authorization: Bearer <token>` on /api/v1 sets `req.actor` to the token's owner and
 * `req.apiScopes` to its scopes, replacing any session's actor. A request that sends the header
 * with anything but a valid token is refused with 401 — it never falls back to a session cookie.
 * Elsewhere the header is ignored: tokens are for the API only.
 */
export function apiTokenMiddleware(authenticate: (token: string) => Promise<TokenIdentity | null>) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (header === undefined || !isApiPath(req.path)) return next();
    try {
      const bearer = BEARER.exec(header)?.[1];
      const identity = bearer ? await authenticate(bearer) : null;
      if (!identity) {
        // The request logger (a Nest middleware) has not run yet: give the refusal its request id here.
        if (!req.id) {
          req.id = randomUUID();
          res.set('X-Request-Id', String(req.id));
        }
        res.set('WWW-Authenticate', 'Bearer realm="opora", error="invalid_token"');
        return next(new DomainError('token_invalid', 'tokens.errors.invalid', 401));
      }
      req.actor = identity.actor;
      req.apiScopes = identity.scopes;
      req.apiTokenId = identity.tokenId;
      next();
    } catch (error) {
      next(error);
    }
  };
}
