import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { DomainError } from '../../kernel/web/domain-error';
import { WorkGroupRepository } from '../groups/work-group.repository';
import type { DirectoryUser } from '../ldap';
import { UserRoleService } from '../user-role.service';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';
import { mapGroups, type GroupMapping } from './group-mapping';

/**
 * Keeps a person's account in step with their directory entry: created on first sign-in
 * (just-in-time), then name, mail, roles and mapped work groups refreshed at every sign-in and sync.
 */
@Injectable()
export class DirectoryAccountService {
  constructor(
    private readonly users: UserRepository,
    private readonly workGroups: WorkGroupRepository,
    private readonly roles: UserRoleService,
    private readonly uow: UnitOfWork,
  ) {}

  /**
   * The account for a person the directory just vouched for. A local account of the same name is
   * taken over only when it has no password of its own (an admin created it for this person);
   * one with a password belongs to someone who signs in locally and is never merged silently.
   * An account an admin deactivated stays deactivated; one the sync deactivated comes back.
   */
  async provision(directoryId: string, entry: DirectoryUser, mappings: readonly GroupMapping[]): Promise<User> {
    return this.uow.transaction(async () => {
      let user = await this.users.findByUsername(entry.username);
      if (user && user.directoryId !== directoryId && (user.directoryId !== null || user.passwordHash !== null)) {
        throw new DomainError('directory_account_conflict', 'auth.errors.directory_account_conflict', 409);
      }
      if (user && !user.active && !user.directoryMissingSince) throw new DomainError('invalid_credentials', 'auth.errors.invalid_credentials', 401);
      user ??= await this.users.create({ username: entry.username, displayName: entry.displayName || entry.username, email: entry.email, roles: [] });
      await this.refresh(user, directoryId, entry, mappings);
      return (await this.users.findById(user.id))!;
    });
  }

  /** Brings an existing account in line with its entry (the sync's step for one person). */
  async refresh(user: User, directoryId: string, entry: DirectoryUser, mappings: readonly GroupMapping[]): Promise<void> {
    await this.uow.transaction(async () => {
      await this.users.linkDirectory(user.id, {
        directoryId,
        dn: entry.dn,
        displayName: entry.displayName || entry.username,
        email: entry.email,
      });
      const access = mapGroups(entry.groups, mappings);
      await this.roles.setRoles(user.id, access.roles, { actorId: null, source: 'directory' });
      const wanted = new Set(access.workGroupIds);
      for (const groupId of access.managedWorkGroupIds) {
        if (wanted.has(groupId)) await this.workGroups.addMember(groupId, user.id);
        else if (await this.workGroups.removeMember(groupId, user.id)) await this.workGroups.clearLead(groupId, user.id);
      }
    });
  }
}
