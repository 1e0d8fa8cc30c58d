import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Role } from '../../kernel/security/roles';
import type { NamePosition } from '../organisations/named-records';

export interface PeopleQuery {
  /** LIKE pattern (already escaped) the login, the name or the address starts with. */
  prefix?: string;
  role?: Role;
  active?: boolean;
  after?: NamePosition;
  limit: number;
}

/** A row of the people list, with the names of what the person belongs to (joined, not looked up one by one). */
export interface PersonRow {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  roles: Role[];
  active: boolean;
  organisation: string | null;
  department: string | null;
  directory: string | null;
  position: NamePosition;
}

export interface PersonChanges {
  displayName: string;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timeZone: string | null;
  organisationId: string | null;
  departmentId: string | null;
}

/** The only place that queries people for their administration. */
@Injectable()
export class PeopleRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * A page in login order. lower(username) is unique, so it alone is the keyset position and the
   * unique index serves the order; the search uses the three prefix indexes.
   */
  async page(query: PeopleQuery): Promise<PersonRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (query.prefix !== undefined) {
      const p = param(query.prefix);
      where.push(`(lower(u.username) LIKE lower(${p}) || '%' OR lower(u.display_name) LIKE lower(${p}) || '%' OR lower(u.email) LIKE lower(${p}) || '%')`);
    }
    if (query.role) where.push(`u.roles @> ARRAY[${param(query.role)}]::text[]`);
    if (query.active !== undefined) where.push(`u.active = ${param(query.active)}`);
    if (query.after) where.push(`lower(u.username) > ${param(query.after.key)}`);
    const rows: Array<Omit<PersonRow, 'position'> & { sortKey: string }> = await this.uow.manager().query(
      `SELECT u.id, u.username, u.display_name AS "displayName", u.email, u.roles, u.active,
              o.name AS organisation, dp.name AS department, d.name AS directory, lower(u.username) AS "sortKey"
         FROM users u
         LEFT JOIN organisations o ON o.id = u.organisation_id
         LEFT JOIN departments dp ON dp.id = u.department_id
         LEFT JOIN directories d ON d.id = u.directory_id
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(u.username)
        LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map(({ sortKey, ...row }) => ({ ...row, position: { key: sortKey, id: row.id } }));
  }

  async update(id: string, changes: PersonChanges): Promise<void> {
    await this.uow.manager().query(
      `UPDATE users SET display_name = $2, email = $3, locale = $4, time_zone = $5, organisation_id = $6, department_id = $7, phone = $8, updated_at = now() WHERE id = $1`,
      [id, changes.displayName, changes.email, changes.locale, changes.timeZone, changes.organisationId, changes.departmentId, changes.phone],
    );
  }

  async setActive(id: string, active: boolean): Promise<void> {
    await this.uow.manager().query(`UPDATE users SET active = $2, updated_at = now() WHERE id = $1`, [id, active]);
  }

  /** Whether an active administrator other than this person exists (the GIN index on roles answers). */
  async anotherActiveAdmin(exceptId: string): Promise<boolean> {
    const rows = await this.uow.manager().query(
      `SELECT 1 FROM users WHERE roles @> ARRAY['administrator']::text[] AND active AND id <> $1 LIMIT 1`,
      [exceptId],
    );
    return rows.length > 0;
  }
}
