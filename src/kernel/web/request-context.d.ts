import type { Actor } from '../security/actor';

declare global {
  namespace Express {
    interface Request {
      /** The signed-in person, set by the session middleware; undefined for visitors. */
      actor?: Actor;
      /** The language chosen for this request (en, ru, uk, uz). */
      lang: string;
    }
  }
}
export {};
