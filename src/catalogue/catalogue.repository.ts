import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Audience, AudienceMember } from './service-audience';

export interface ServiceRow {
  id: string;
  name: string;
  description: string;
  ownerId: string | null;
  ownerUsername: string | null;
  defaultGroupId: string | null;
  defaultGroupName: string | null;
  active: boolean;
}

export interface ComponentRow {
  id: string;
  serviceId: string;
  name: string;
  defaultGroupId: string | null;
  defaultGroupName: string | null;
  active: boolean;
}

export interface ServiceFields {
  name: string;
  description: string;
  ownerId: string | null;
  defaultGroupId: string | null;
  active: boolean;
}

/** The catalogue is small (hundreds of services at most), so lists are read whole, capped. */
const CAP = 1000;
const SERVICE_COLUMNS = `s.id, s.name, s.description, s.owner_id AS "ownerId", o.username AS "ownerUsername", s.default_group_id AS "defaultGroupId",
  g.name AS "defaultGroupName", s.active`;
const SERVICE_FROM = `services s LEFT JOIN users o ON o.id = s.owner_id LEFT JOIN work_groups g ON g.id = s.default_group_id`;
const COMPONENT_COLUMNS = `c.id, c.service_id AS "serviceId", c.name, c.default_group_id AS "defaultGroupId", g.name AS "defaultGroupName", c.active`;
const COMPONENT_FROM = `service_components c LEFT JOIN work_groups g ON g.id = c.default_group_id`;
/** The audience rule of service-audience.ts, in SQL: no audience rows, or one that matches. */
const AUDIENCE_SQL = `(NOT EXISTS (SELECT 1 FROM service_audiences a WHERE a.service_id = s.id)
  OR EXISTS (SELECT 1 FROM service_audiences a WHERE a.service_id = s.id
             AND (a.organisation_id = $1 OR a.department_id = $2 OR a.group_id = ANY ($3::uuid[]))))`;

/** The only place that queries the service catalogue. */
@Injectable()
export class CatalogueRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  services(): Promise<ServiceRow[]> {
    return this.query(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} ORDER BY lower(s.name) LIMIT ${CAP}`);
  }

  /** Active services the person is in the audience of (all active ones when `person` is null). */
  visibleServices(person: AudienceMember | null): Promise<ServiceRow[]> {
    if (!person) return this.query(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE s.active ORDER BY lower(s.name) LIMIT ${CAP}`);
    return this.query(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE s.active AND ${AUDIENCE_SQL} ORDER BY lower(s.name) LIMIT ${CAP}`, [
      person.organisationId,
      person.departmentId,
      person.groupIds,
    ]);
  }

  components(serviceIds: readonly string[], activeOnly: boolean): Promise<ComponentRow[]> {
    if (serviceIds.length === 0) return Promise.resolve([]);
    return this.query(`SELECT ${COMPONENT_COLUMNS} FROM ${COMPONENT_FROM} WHERE c.service_id = ANY ($1::uuid[]) ${activeOnly ? 'AND c.active' : ''} ORDER BY lower(c.name) LIMIT ${CAP * 10}`, [serviceIds]);
  }

  async service(id: string): Promise<ServiceRow | null> {
    const [row] = await this.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE s.id = $1`, [id]);
    return row ?? null;
  }

  async serviceNamed(name: string): Promise<ServiceRow | null> {
    const [row] = await this.query<ServiceRow>(`SELECT ${SERVICE_COLUMNS} FROM ${SERVICE_FROM} WHERE lower(s.name) = lower($1)`, [name]);
    return row ?? null;
  }

  /** A component of the service, by id or by name. */
  async component(serviceId: string, idOrName: string, byId: boolean): Promise<ComponentRow | null> {
    const [row] = await this.query<ComponentRow>(`SELECT ${COMPONENT_COLUMNS} FROM ${COMPONENT_FROM} WHERE c.service_id = $1 AND ${byId ? 'c.id = $2::uuid' : 'lower(c.name) = lower($2)'}`, [serviceId, idOrName]);
    return row ?? null;
  }

  audiences(serviceId: string): Promise<Audience[]> {
    return this.query(`SELECT organisation_id AS "organisationId", department_id AS "departmentId", group_id AS "groupId" FROM service_audiences WHERE service_id = $1`, [serviceId]);
  }

  async insertService(fields: ServiceFields): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO services (name, description, owner_id, default_group_id, active) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [fields.name, fields.description, fields.ownerId, fields.defaultGroupId, fields.active],
    );
    return row!.id;
  }

  async updateService(id: string, fields: ServiceFields): Promise<void> {
    await this.query(
      `WITH changed AS (UPDATE services SET name = $2, description = $3, owner_id = $4, default_group_id = $5, active = $6, updated_at = now() WHERE id = $1 RETURNING id) SELECT id FROM changed`,
      [id, fields.name, fields.description, fields.ownerId, fields.defaultGroupId, fields.active],
    );
  }

  /** Replaces the service's audiences with these (ids checked by the foreign keys). */
  async replaceAudiences(serviceId: string, audiences: { organisations: string[]; departments: string[]; groups: string[] }): Promise<void> {
    await this.query(`WITH gone AS (DELETE FROM service_audiences WHERE service_id = $1 RETURNING 1) SELECT count(*) FROM gone`, [serviceId]);
    await this.query(
      `INSERT INTO service_audiences (service_id, organisation_id, department_id, group_id)
       SELECT $1::uuid, o, NULL::uuid, NULL::uuid FROM unnest($2::uuid[]) o
       UNION ALL SELECT $1::uuid, NULL::uuid, d, NULL::uuid FROM unnest($3::uuid[]) d
       UNION ALL SELECT $1::uuid, NULL::uuid, NULL::uuid, g FROM unnest($4::uuid[]) g`,
      [serviceId, audiences.organisations, audiences.departments, audiences.groups],
    );
  }

  async insertComponent(serviceId: string, name: string, defaultGroupId: string | null): Promise<string> {
    const [row] = await this.query<{ id: string }>(`INSERT INTO service_components (service_id, name, default_group_id) VALUES ($1, $2, $3) RETURNING id`, [serviceId, name, defaultGroupId]);
    return row!.id;
  }

  async updateComponent(serviceId: string, id: string, fields: { name: string; defaultGroupId: string | null; active: boolean }): Promise<boolean> {
    const rows = await this.query(
      `WITH changed AS (UPDATE service_components SET name = $3, default_group_id = $4, active = $5 WHERE service_id = $1 AND id = $2::uuid RETURNING id) SELECT id FROM changed`,
      [serviceId, id, fields.name, fields.defaultGroupId, fields.active],
    );
    return rows.length > 0;
  }

  /** Everything an audience can name, for the admin form's checkboxes. */
  async audienceChoices(): Promise<{ organisations: Array<{ id: string; name: string }>; departments: Array<{ id: string; name: string; organisationId: string }>; groups: Array<{ id: string; name: string }> }> {
    return {
      organisations: await this.query(`SELECT id, name FROM organisations ORDER BY lower(name) LIMIT ${CAP}`),
      departments: await this.query(`SELECT id, name, organisation_id AS "organisationId" FROM departments ORDER BY lower(name) LIMIT ${CAP * 5}`),
      groups: await this.query(`SELECT id, name FROM work_groups WHERE active ORDER BY lower(name) LIMIT ${CAP}`),
    };
  }

  /** Who the person is for the audience rule. */
  async memberOf(userId: string): Promise<AudienceMember> {
    const [row] = await this.query<AudienceMember>(
      `SELECT u.organisation_id AS "organisationId", u.department_id AS "departmentId",
              coalesce((SELECT array_agg(m.group_id) FROM work_group_members m WHERE m.user_id = u.id), '{}') AS "groupIds"
         FROM users u WHERE u.id = $1`,
      [userId],
    );
    return row ?? { organisationId: null, departmentId: null, groupIds: [] };
  }
}
