import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { ExclusiveRunner, type ExclusiveOptions } from '../../kernel/jobs/exclusive-runner';
import { PostgresSessionStore } from '../../kernel/security/session-store';
import { DirectoryError, type Directory } from '../ldap';
import { UserRepository } from '../user.repository';
import { DirectoryAccountService } from './directory-account.service';
import { DirectoryRepository, type DirectoryRow } from './directory.repository';
import { DirectoryService } from './directory.service';

/** What the sync did with one directory. */
export interface DirectorySyncResult {
  directory: string;
  checked: number;
  updated: number;
  deactivated: number;
  reactivated: number;
  /** Why the directory's sync stopped early; nobody is deactivated by a sync that failed. */
  error?: string;
}

const PAGE = 200;
export const SYNC_JOB = 'ldap.sync';

/**
 * Brings directory users in line with their directories: name, mail, roles and mapped work
 * groups; people the directory no longer has are deactivated (never deleted) and signed out.
 * Only a definite "no such user" deactivates: a directory that cannot answer stops its sync.
 */
@Injectable()
export class DirectorySyncService {
  private readonly log = new Logger('Directories');

  constructor(
    private readonly directories: DirectoryService,
    private readonly repository: DirectoryRepository,
    private readonly accounts: DirectoryAccountService,
    private readonly users: UserRepository,
    private readonly sessions: PostgresSessionStore,
    private readonly audit: AuditService,
    private readonly runner: ExclusiveRunner,
  ) {}

  /** Syncs every enabled directory, once across nodes; null when another run was busy or it was not due. */
  async syncAll(options: ExclusiveOptions = {}): Promise<DirectorySyncResult[] | null> {
    const outcome = await this.runner.run(SYNC_JOB, () => this.syncEnabled(), options);
    return outcome.ran ? outcome.result : null;
  }

  private async syncEnabled(): Promise<DirectorySyncResult[]> {
    const results: DirectorySyncResult[] = [];
    for (const row of await this.repository.list({ enabledOnly: true })) {
      const result = await this.syncOne(row, (await this.directories.live(row.id)).directory);
      results.push(result);
      await this.audit.record('ldap.sync.finished', { subject: row.name, details: { ...result } });
      if (result.error) this.log.warn(`sync of directory "${row.name}" stopped: ${result.error}`);
      else this.log.log(`synced directory "${row.name}": ${result.checked} checked, ${result.updated} updated, ${result.deactivated} deactivated, ${result.reactivated} back`);
    }
    return results;
  }

  private async syncOne(row: DirectoryRow, directory: Directory): Promise<DirectorySyncResult> {
    const result: DirectorySyncResult = { directory: row.name, checked: 0, updated: 0, deactivated: 0, reactivated: 0 };
    const mappings = await this.repository.mappingsOf([row.id]);
    try {
      for (let after: string | null = null; ; ) {
        const people = await this.repository.peopleOf(row.id, after, PAGE);
        for (const person of people) {
          const entry = await directory.findUser(person.username);
          result.checked++;
          if (!entry) {
            if (person.active) {
              await this.users.markMissing(person.id);
              await this.sessions.destroyAllOf(person.id);
              result.deactivated++;
            }
            continue;
          }
          const user = await this.users.findById(person.id);
          if (!user) continue; // removed while the sync ran
          await this.accounts.refresh(user, row.id, entry, mappings);
          if (person.missingSince) result.reactivated++;
          else result.updated++;
        }
        if (people.length < PAGE) break;
        after = people[people.length - 1]!.id;
      }
    } catch (error) {
      if (!(error instanceof DirectoryError)) throw error;
      result.error = error.message;
    }
    return result;
  }
}
