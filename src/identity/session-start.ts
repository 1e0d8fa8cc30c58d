import type { Request } from 'express';
import type { Actor } from '../kernel/security/actor';

/**
 * Starts a signed-in session for `actor` under a new session id, so an id fixed before sign-in
 * (by whoever planted it) is worthless afterwards.
 */
export function startSession(req: Request, actor: Actor): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((error) => {
      if (error) return reject(error);
      req.session.userId = actor.id;
      req.session.signedInAt = Date.now();
      req.actor = actor;
      req.session.save((saveError) => (saveError ? reject(saveError) : resolve()));
    }),
  );
}
