import { Injectable } from '@nestjs/common';
import { AuditService } from '../kernel/audit/audit.service';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import { HookBus } from '../kernel/hooks/hook-bus';
import { NotFoundError } from '../kernel/web/domain-error';
import type { Role } from '../kernel/security/roles';
import { UserRepository } from './user.repository';

/** Where a change of roles came from: the audit log and the hook say it. */
export type RoleChangeSource = 'admin' | 'directory' | 'cli' | 'api';

export interface RoleChange {
  /** Who made the change; null for the directory sync and the CLI. */
  actorId: string | null;
  source: RoleChangeSource;
  ip?: string | null;
}

/**
 * The one way a person's roles change after they exist, so every change is audited and announced
 * the same whether an admin, the directory sync or the CLI made it. Setting the roles someone
 * already has is no change and leaves no trace.
 */
@Injectable()
export class UserRoleService {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly hooks: HookBus,
    private readonly uow: UnitOfWork,
  ) {}

  /** Replaces the person's roles; returns whether anything changed. */
  async setRoles(userId: string, roles: readonly Role[], change: RoleChange): Promise<boolean> {
    const after = [...new Set(roles)].sort();
    return this.uow.transaction(async () => {
      const user = await this.users.findById(userId);
      if (!user) throw new NotFoundError();
      const before = [...user.roles].sort();
      if (sameRoles(before, after)) return false;
      await this.users.setRoles(userId, after);
      await this.audit.record('user.role.changed', {
        actorId: change.actorId,
        subject: user.username,
        ip: change.ip ?? null,
        details: { before, after, source: change.source },
      });
      this.hooks.doAction('user.roles.changed', { userId, before, after, source: change.source, actorId: change.actorId });
      return true;
    });
  }
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role, i) => role === b[i]);
}
