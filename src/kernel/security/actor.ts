/** The signed-in person a request or job acts for. */
export interface Actor {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly isAdmin: boolean;
  readonly locale: string | null;
  readonly timeZone: string | null;
}
