/**
 * The one interface the rest of Opora uses to talk to LDAP / Active Directory. Everything
 * LDAP-specific (client library, filters, escaping, TLS, ranged attributes, nesting) stays in this
 * folder; replacing the client library means writing another `Directory`, nothing outside.
 */

/** A person as a directory describes them. */
export interface DirectoryUser {
  /** The `name` of the directory this user came from. */
  directory: string;
  dn: string;
  /** Login name, from the configured username attribute (as the directory spells it). */
  username: string;
  displayName: string;
  email: string | null;
  /** DNs of every group the user belongs to, directly or through nested groups; each once. */
  groups: string[];
}

export type DirectoryTestStepName = 'bind' | 'search' | 'groups';

export interface DirectoryTestStep {
  step: DirectoryTestStepName;
  /** `skipped`: an earlier step failed, or there was nothing to do (no user name given). */
  status: 'ok' | 'failed' | 'skipped';
  /** What was done and found, or the server's own error message. */
  message: string;
  ms: number;
}

/** What the "LDAP test" button and `ldap:test` show, step by step. */
export interface DirectoryTestReport {
  directory: string;
  url: string;
  ok: boolean;
  steps: DirectoryTestStep[];
  user?: DirectoryUser;
}

export interface Directory {
  readonly name: string;

  /**
   * Checks a user's password and returns who they are with their groups. Throws DirectoryError:
   * `invalid_credentials` (unknown user, wrong password, refused input — reason says which),
   * `unavailable` (server down or not answering) or `misconfigured` (server refused our settings).
   * Empty passwords and over-long input are refused before anything is sent to the server.
   */
  authenticate(username: string, password: string): Promise<DirectoryUser>;

  /** The user with this login name, or null; throws DirectoryError when the directory cannot answer. */
  findUser(username: string): Promise<DirectoryUser | null>;

  /** Every user the list filter matches (paged search), each with nested groups resolved: for the sync. */
  listUsers(): Promise<DirectoryUser[]>;

  /** DNs of the groups containing this entry, directly or through nesting; each once. */
  groupsOf(dn: string): Promise<string[]>;

  /** The direct members (DNs) of one group, however many (AD hands out big groups in ranges). */
  membersOf(groupDn: string): Promise<string[]>;

  /** Runs bind, search and group lookup and reports each step; never throws for server errors. */
  test(username?: string): Promise<DirectoryTestReport>;
}
