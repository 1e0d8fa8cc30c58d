import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { Department } from './department.entity';
import { Location } from './location.entity';
import type { NamePosition } from './named-records';
import { Organisation } from './organisation.entity';

export interface NewOrganisation {
  name: string;
  code: string | null;
  emailDomains: string[];
  active: boolean;
  selfRegistration: boolean;
  requestsShared: boolean;
}

/** One row of the organisations list. */
export interface OrganisationListRow {
  id: string;
  name: string;
  code: string | null;
  emailDomains: string[];
  active: boolean;
  position: NamePosition;
}

export interface OrganisationPageQuery {
  /** Rows whose lower(name) starts with lower(prefix) (LIKE's characters already escaped)… */
  prefix?: string;
  /** …or whose code is exactly this, in any case. */
  code?: string;
  /** Rows strictly after this position. */
  after?: NamePosition;
  /** How many rows to read: the caller asks for one more than it shows. */
  limit: number;
}

type ListRaw = { id: string; name: string; code: string | null; email_domains: string[]; active: boolean; sort_key: string };

/**
 * The only place that queries organisations, departments and locations. The list is a keyset page
 * in (lower(name), id) order with LIMIT and no count; an organisation's departments and locations
 * are read whole (they are shown as one tree and one table). Values travel as parameters.
 */
@Injectable()
export class OrganisationRepository {
  constructor(private readonly uow: UnitOfWork) {}

  private get organisations() {
    return this.uow.manager().getRepository(Organisation);
  }

  private get departments() {
    return this.uow.manager().getRepository(Department);
  }

  private get locations() {
    return this.uow.manager().getRepository(Location);
  }

  async page(query: OrganisationPageQuery): Promise<OrganisationListRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    const search: string[] = [];
    if (query.prefix !== undefined) search.push(`lower(o.name) LIKE lower(${param(query.prefix)}) || '%'`);
    if (query.code !== undefined) search.push(`lower(o.code) = lower(${param(query.code)})`);
    if (search.length) where.push(`(${search.join(' OR ')})`);
    if (query.after) where.push(`(lower(o.name), o.id) > (${param(query.after.key)}, ${param(query.after.id)}::uuid)`);
    const rows: ListRaw[] = await this.uow.manager().query(
      `SELECT o.id, o.name, o.code, o.email_domains, o.active, lower(o.name) AS sort_key
         FROM organisations o
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY lower(o.name), o.id
        LIMIT ${param(query.limit)}`,
      params,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      code: row.code,
      emailDomains: row.email_domains,
      active: row.active,
      position: { key: row.sort_key, id: row.id },
    }));
  }

  findById(id: string): Promise<Organisation | null> {
    return this.organisations.findOne({ where: { id } });
  }

  /** Reads the organisation and holds its row until the transaction ends: its tree changes one at a time. */
  lockById(id: string): Promise<Organisation | null> {
    return this.organisations.createQueryBuilder('o').where('o.id = :id', { id }).setLock('pessimistic_write').getOne();
  }

  /** The active organisation open to self-registration that owns this (ASCII) mail domain, if any. */
  openForRegistration(domain: string): Promise<Organisation | null> {
    return this.organisations
      .createQueryBuilder('o')
      .where('o.active AND o.self_registration AND o.email_domains @> ARRAY[:domain]::text[]', { domain })
      .getOne();
  }

  /** Whether any organisation lets people register (the sign-in page offers it then). */
  async anyOpenForRegistration(): Promise<boolean> {
    return (await this.organisations.createQueryBuilder('o').select('1').where('o.active AND o.self_registration').limit(1).getRawOne()) !== undefined;
  }

  findByName(name: string): Promise<Organisation | null> {
    return this.organisations.createQueryBuilder('o').where('lower(o.name) = lower(:name)', { name }).getOne();
  }

  findByCode(code: string): Promise<Organisation | null> {
    return this.organisations.createQueryBuilder('o').where('lower(o.code) = lower(:code)', { code }).getOne();
  }

  /**
   * Holds, until the transaction ends, the lock that every change of mail domains takes: domains
   * live in arrays, which no unique index covers, so check-then-write must not interleave.
   */
  lockDomains(): Promise<void> {
    return this.uow.lockForTransaction('organisations.email_domains');
  }

  /**
   * Another organisation already holding one of these mail domains, and which domain. No LIMIT:
   * a domain belongs to one organisation, so few rows come back, and without it the planner
   * reads the GIN index instead of scanning in hope of an early match.
   */
  async domainOwner(domains: readonly string[], exceptId: string | null): Promise<{ name: string; domain: string } | undefined> {
    if (domains.length === 0) return undefined;
    const rows: Array<{ name: string; domain: string }> = await this.uow.manager().query(
      `SELECT o.name, d.domain
         FROM organisations o, unnest(o.email_domains) AS d(domain)
        WHERE o.email_domains && $1::text[] AND d.domain = ANY ($1::text[]) AND o.id IS DISTINCT FROM $2::uuid
        ORDER BY d.domain`,
      [domains, exceptId],
    );
    return rows[0];
  }

  insert(data: NewOrganisation): Promise<Organisation> {
    return this.organisations.save(this.organisations.create(data));
  }

  async update(id: string, changes: Partial<NewOrganisation>): Promise<void> {
    await this.organisations.update({ id }, changes);
  }

  /** The organisation's departments by name (the tree is built from them). */
  departmentsOf(organisationId: string): Promise<Department[]> {
    return this.departments
      .createQueryBuilder('d')
      .where('d.organisation_id = :organisationId', { organisationId })
      .orderBy('lower(d.name)')
      .addOrderBy('d.id')
      .getMany();
  }

  /** A department, only if it belongs to this organisation. */
  findDepartment(organisationId: string, id: string): Promise<Department | null> {
    return this.departments.findOne({ where: { id, organisationId } });
  }

  findDepartmentByName(organisationId: string, name: string): Promise<Department | null> {
    return this.departments
      .createQueryBuilder('d')
      .where('d.organisation_id = :organisationId AND lower(d.name) = lower(:name)', { organisationId, name })
      .getOne();
  }

  insertDepartment(data: { organisationId: string; parentId: string | null; name: string }): Promise<Department> {
    return this.departments.save(this.departments.create(data));
  }

  async updateDepartment(id: string, changes: { name: string; parentId: string | null }): Promise<void> {
    await this.departments.update({ id }, changes);
  }

  /** Moves the sub-departments of `id` under `parentId` (null: to the top). */
  async moveChildren(id: string, parentId: string | null): Promise<void> {
    await this.departments.update({ parentId: id }, { parentId });
  }

  async deleteDepartment(id: string): Promise<void> {
    await this.departments.delete({ id });
  }

  locationsOf(organisationId: string): Promise<Location[]> {
    return this.locations
      .createQueryBuilder('l')
      .where('l.organisation_id = :organisationId', { organisationId })
      .orderBy('lower(l.name)')
      .addOrderBy('l.id')
      .getMany();
  }

  /** A location, only if it belongs to this organisation. */
  findLocation(organisationId: string, id: string): Promise<Location | null> {
    return this.locations.findOne({ where: { id, organisationId } });
  }

  findLocationByName(organisationId: string, name: string): Promise<Location | null> {
    return this.locations
      .createQueryBuilder('l')
      .where('l.organisation_id = :organisationId AND lower(l.name) = lower(:name)', { organisationId, name })
      .getOne();
  }

  insertLocation(data: { organisationId: string; name: string; address: string }): Promise<Location> {
    return this.locations.save(this.locations.create(data));
  }

  async updateLocation(id: string, changes: { name: string; address: string }): Promise<void> {
    await this.locations.update({ id }, changes);
  }

  async deleteLocation(id: string): Promise<void> {
    await this.locations.delete({ id });
  }
}
