import type { Role } from './roles';

/** The signed-in person a request or job acts for. */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  /** Derived from roles when the actor is built: holds the administrator role. */
  readonly isAdmin: boolean;
  readonly locale: string | null;
  readonly timeZone: string | null;
}
