import type { NextFunction, Request, Response } from 'express';
import type { Actor } from './actor';

export type ActorLookup = (userId: string) => Promise<(Actor & { active: boolean }) | undefined>;

/**
 * Turns the session's user id into `req.actor`, and ends sessions that passed the absolute
 * timeout or whose user was deactivated. One primary-key read per signed-in request.
 */
export function sessionActorMiddleware(lookup: ActorLookup, absoluteMs: number) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const userId = req.session?.userId;
    if (!userId) return next();
    try {
      if (!req.session.signedInAt || Date.now() - req.session.signedInAt > absoluteMs) {
        return req.session.regenerate((error) => next(error));
      }
      const user = await lookup(userId);
      if (!user || !user.active) return req.session.regenerate((error) => next(error));
      const { active: _active, ...actor } = user;
      req.actor = actor;
      next();
    } catch (error) {
      next(error);
    }
  };
}
