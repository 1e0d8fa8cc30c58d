import type { Directory, DirectoryTestReport, DirectoryUser } from './directory';
import { describeLdapError, DirectoryError } from './ldap-errors';

/**
 * Several directories tried in order (e.g. the head office's AD, then a subsidiary's OpenLDAP).
 *
 * Sign-in: the first directory that knows the user decides. A directory that does not know the
 * user passes to the next; a wrong password stops at once (the next directory is not asked to
 * check the same password — a same-named account elsewhere must not become a second chance);
 * a directory that cannot answer (down, or refusing our settings) is skipped and remembered. If
 * nobody knew the user and someone could not answer, the result is `unavailable` listing every
 * directory's message: the user may well live in the one that is down.
 */
export class DirectoryChain {
  constructor(readonly directories: readonly Directory[]) {}

  async authenticate(username: string, password: string): Promise<DirectoryUser> {
    return this.firstThatKnows((d) => d.authenticate(username, password), 'sign in');
  }

  /** The user from the first directory that has them, or null when every directory answered "no such user". */
  async findUser(username: string): Promise<DirectoryUser | null> {
    try {
      return await this.firstThatKnows(async (d) => {
        const user = await d.findUser(username);
        if (!user) throw new DirectoryError('invalid_credentials', `${d.name}: no such user`, { directory: d.name, reason: 'unknown_user' });
        return user;
      }, 'find user');
    } catch (err) {
      if (err instanceof DirectoryError && err.code === 'invalid_credentials' && err.reason === 'unknown_user') return null;
      throw err;
    }
  }

  /** The test report of every directory, in order. */
  async test(username?: string): Promise<DirectoryTestReport[]> {
    const reports: DirectoryTestReport[] = [];
    for (const directory of this.directories) reports.push(await directory.test(username));
    return reports;
  }

  private async firstThatKnows(attempt: (d: Directory) => Promise<DirectoryUser>, what: string): Promise<DirectoryUser> {
    if (this.directories.length === 0) {
      throw new DirectoryError('misconfigured', 'no LDAP directory is configured');
    }
    const couldNotAnswer: DirectoryError[] = [];
    let unknown: DirectoryError | undefined;
    for (const directory of this.directories) {
      try {
        return await attempt(directory);
      } catch (caught) {
        const err =
          caught instanceof DirectoryError
            ? caught
            : new DirectoryError('unavailable', `${directory.name}: ${describeLdapError(caught)}`, {
                directory: directory.name,
                serverMessage: describeLdapError(caught),
                cause: caught,
              });
        if (err.code === 'invalid_credentials') {
          if (err.reason !== 'unknown_user') throw err; // wrong password, refused input, ambiguous: final
          unknown ??= err;
          continue;
        }
        couldNotAnswer.push(err);
      }
    }
    if (couldNotAnswer.length) {
      const messages = couldNotAnswer.map((e) => (e.message.startsWith(`${e.directory}:`) ? e.message : `${e.directory ?? '?'}: ${e.message}`));
      throw new DirectoryError('unavailable', `cannot ${what}: ${messages.join('; ')}`, {
        serverMessage: couldNotAnswer.map((e) => e.serverMessage ?? e.message).join('; '),
        cause: couldNotAnswer[0],
      });
    }
    throw unknown ?? new DirectoryError('invalid_credentials', 'invalid credentials', { reason: 'unknown_user' });
  }
}
