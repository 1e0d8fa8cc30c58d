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
    if (quick.kind === 'all') return quick;
    const staff = actor.roles.some((role) => role !== 'requester');
    return visibilityScope(actor, await this.membershipsOf(actor.id, staff));
  }

  /** Work groups (staff only) and the organisation whose requests the person shares, in one query. */
  private async membershipsOf(userId: string, staff: boolean): Promise<Memberships> {
    const groups = staff
      ? `(SELECT coalesce(array_agg(DISTINCT m.group_id) FILTER (WHERE m.user_id = $1), '{}') AS "memberOf",
                 coalesce(array_agg(DISTINCT m.group_id) FILTER (WHERE g.lead_id = $1), '{}') AS "leads",
                 coalesce(array_agg(DISTINCT m.user_id) FILTER (WHERE g.lead_id = $1), '{}') AS "ledMembers"
            FROM work_group_members m JOIN work_groups g ON g.id = m.group_id
           WHERE m.user_id = $1 OR g.lead_id = $1)`
      : `(SELECT '{}'::uuid[] AS "memberOf", '{}'::uuid[] AS "leads", '{}'::uuid[] AS "ledMembers")`;
    const [row]: Memberships[] = await this.uow.manager().query(
      `SELECT mg.*, (SELECT o.id FROM users u JOIN organisations o ON o.id = u.organisation_id
                      WHERE u.id = $1 AND o.requests_shared AND o.active) AS "sharedOrganisationId"
         FROM ${groups} mg`,
      [userId],
    );
    return row ?? { memberOf: [], leads: [], ledMembers: [] };
  }
}
