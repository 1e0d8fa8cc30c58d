import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { visibilityScope, type Memberships, type VisibilityScope } from './visibility-scope';

/** The actor's visibility scope, from their roles and (in one query) their work groups. */
@Injectable()
export class VisibilityService {
  constructor(private readonly uow: UnitOfWork) {}

  async scopeFor(actor: Pick<Actor, 'id' | 'roles'>): Promise<VisibilityScope> {
    const quick = visibilityScope(actor, { memberOf: [], leads: [], ledMembers: [] });
    if (quick.kind === 'all' || !actor.roles.some((role) => role !== 'requester')) return quick;
    return visibilityScope(actor, await this.membershipsOf(actor.id));
  }

  private async membershipsOf(userId: string): Promise<Memberships> {
    const [row]: Array<{ memberOf: string[]; leads: string[]; ledMembers: string[] }> = await this.uow.manager().query(
      `SELECT coalesce(array_agg(DISTINCT m.group_id) FILTER (WHERE m.user_id = $1), '{}') AS "memberOf",
              coalesce(array_agg(DISTINCT m.group_id) FILTER (WHERE g.lead_id = $1), '{}') AS "leads",
              coalesce(array_agg(DISTINCT m.user_id) FILTER (WHERE g.lead_id = $1), '{}') AS "ledMembers"
         FROM work_group_members m JOIN work_groups g ON g.id = m.group_id
        WHERE m.user_id = $1 OR g.lead_id = $1`,
      [userId],
    );
    return row ?? { memberOf: [], leads: [], ledMembers: [] };
  }
}
