import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '../../kernel/web/domain-error';
import { DirectoryError } from '../ldap';
import type { User } from '../user.entity';
import { DirectoryAccountService } from './directory-account.service';
import { DirectoryService } from './directory.service';

/** Signing staff in through the directories, in order, with their account provisioned on the way. */
@Injectable()
export class DirectorySignInService {
  private readonly log = new Logger('Directories');

  constructor(
    private readonly directories: DirectoryService,
    private readonly accounts: DirectoryAccountService,
  ) {}

  /**
   * The account of the person the directories vouch for; null when no directory is set up, none
   * knows the name, or the password is wrong. A directory that cannot answer is an error of its
   * own (the person may well be in it), with the server's message in the log, not on the page.
   */
  async authenticate(username: string, password: string): Promise<User | null> {
    const { chain, rows } = await this.directories.chain();
    if (rows.length === 0) return null;
    let entry;
    try {
      entry = await chain.authenticate(username, password);
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      if (error.code === 'invalid_credentials') return null;
      this.log.warn(`directory sign-in of "${username.slice(0, 200)}" failed: ${error.message}`);
      throw new DomainError('directory_unavailable', 'auth.errors.directory_unavailable', 503);
    }
    const row = rows.find((candidate) => candidate.name === entry.directory)!;
    return this.accounts.provision(row.id, entry, await this.directories.mappingsOf([row.id]));
  }
}
