import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import type { Department } from './department.entity';
import { createsCycle, flattenTree, subtreeIds } from './department-tree';
import { parseEmailDomains } from './email-domains';
import type { Location } from './location.entity';
import {
  checkName,
  checkText,
  fieldError,
  isRecordId,
  isUniqueViolation,
  listQuery,
  namePage,
  type NamePage,
  prefixPattern,
  withoutControls,
} from './named-records';
import type { Organisation } from './organisation.entity';
import { type OrganisationListRow, OrganisationRepository } from './organisation.repository';

export const ORGANISATIONS_PAGE_SIZE = 50;
export const MAX_CODE = 32;
export const MAX_ADDRESS = 500;
const CODE = new RegExp(`^[\\p{L}\\p{N}_.-]{1,${MAX_CODE}}$`, 'u');

/** What the organisation forms and the API give; on update an absent field is left as it is. */
export interface OrganisationInput {
  name: string;
  /** Short code; blank for none. */
  code?: string;
  /** Mail domains: text with one per line (or separated by commas or spaces), or a list. */
  emailDomains?: string | readonly string[];
  active?: boolean;
  /** People with an address in the mail domains may register themselves; absent leaves it as it is. */
  selfRegistration?: boolean;
  /** Its people see each other's requests; absent leaves it as it is. */
  requestsShared?: boolean;
}

export interface DepartmentInput {
  name: string;
  /** The parent department's id; blank or absent for a top-level one. */
  parentId?: string;
}

export interface LocationInput {
  name: string;
  address?: string;
}

/** A department placed in its organisation's tree. */
export type DepartmentNode = Department & { depth: number };

export interface OrganisationDetails {
  organisation: Organisation;
  departments: DepartmentNode[];
  locations: Location[];
}

export interface DepartmentForm {
  organisation: Organisation;
  /** Absent for a new department. */
  department?: Department;
  /** Where it may go: every department of the organisation except itself and those below it. */
  parents: DepartmentNode[];
}

/**
 * Organisations with their departments (a tree inside one organisation) and locations: names,
 * codes, mail domains and the tree's rules. Managed by people holding admin.organisations.manage;
 * every method checks it again. Ids of departments and locations count only within the
 * organisation named with them: another organisation's is answered as missing.
 */
@Injectable()
export class OrganisationService {
  constructor(
    private readonly repo: OrganisationRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** A page in name order, optionally those whose name starts with `q` or whose code is `q`. */
  async list(actor: Actor, input: { q?: string; cursor?: string }): Promise<NamePage<OrganisationListRow>> {
    this.allow(actor);
    const { prefix, after } = listQuery(input, 'organisations.errors.cursor');
    const search = prefix ? { prefix: prefixPattern(prefix), ...(CODE.test(prefix) ? { code: prefix } : {}) } : {};
    const rows = await this.repo.page({ ...search, ...(after ? { after } : {}), limit: ORGANISATIONS_PAGE_SIZE + 1 });
    return namePage(rows, ORGANISATIONS_PAGE_SIZE);
  }

  async view(actor: Actor, id: string): Promise<OrganisationDetails> {
    this.allow(actor);
    const organisation = await this.existing(id);
    const [departments, locations] = await Promise.all([this.repo.departmentsOf(organisation.id), this.repo.locationsOf(organisation.id)]);
    return { organisation, departments: flattenTree(departments), locations };
  }

  async create(actor: Actor, input: OrganisationInput): Promise<Organisation> {
    this.allow(actor);
    const fields = this.checkFields(input);
    return this.uow.transaction(async () => {
      await this.refuseTaken(fields, null);
      return this.translatingDuplicates(fields, () =>
        this.repo.insert({ code: null, emailDomains: [], ...fields, active: input.active ?? true, selfRegistration: input.selfRegistration ?? false, requestsShared: input.requestsShared ?? false }),
      );
    });
  }

  async update(actor: Actor, id: string, input: OrganisationInput): Promise<void> {
    this.allow(actor);
    const fields = this.checkFields(input);
    await this.uow.transaction(async () => {
      const organisation = await this.locked(id);
      await this.refuseTaken(fields, organisation.id);
      const active = input.active === undefined ? {} : { active: input.active };
      const flags = {
        ...(input.selfRegistration === undefined ? {} : { selfRegistration: input.selfRegistration }),
        ...(input.requestsShared === undefined ? {} : { requestsShared: input.requestsShared }),
      };
      await this.translatingDuplicates(fields, () => this.repo.update(organisation.id, { ...fields, ...active, ...flags }));
    });
  }

  /** What the department form needs: the organisation, the department (when editing) and where it may go. */
  async departmentForm(actor: Actor, organisationId: string, departmentId?: string): Promise<DepartmentForm> {
    this.allow(actor);
    const organisation = await this.existing(organisationId);
    const all = await this.repo.departmentsOf(organisation.id);
    if (departmentId === undefined) return { organisation, parents: flattenTree(all) };
    const department = all.find((candidate) => candidate.id === departmentId);
    if (!department) throw new NotFoundError();
    const below = subtreeIds(all, department.id);
    return { organisation, department, parents: flattenTree(all).filter((node) => !below.has(node.id)) };
  }

  async addDepartment(actor: Actor, organisationId: string, input: DepartmentInput): Promise<Department> {
    this.allow(actor);
    const name = checkName(input.name);
    return this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      const parentId = await this.parentIn(organisation.id, input.parentId);
      await this.refuseTakenDepartment(organisation.id, name, null);
      return this.translatingDepartmentDuplicate(name, () => this.repo.insertDepartment({ organisationId: organisation.id, parentId, name }));
    });
  }

  /** Renames a department or moves it under another one of the same organisation (never under itself). */
  async updateDepartment(actor: Actor, organisationId: string, departmentId: string, input: DepartmentInput): Promise<void> {
    this.allow(actor);
    const name = checkName(input.name);
    await this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      const department = await this.departmentOf(organisation.id, departmentId);
      const parentId = await this.parentIn(organisation.id, input.parentId);
      if (createsCycle(await this.repo.departmentsOf(organisation.id), department.id, parentId)) {
        throw fieldError('department_cycle', 'organisations.errors.department_cycle', 'parentId');
      }
      await this.refuseTakenDepartment(organisation.id, name, department.id);
      await this.translatingDepartmentDuplicate(name, () => this.repo.updateDepartment(department.id, { name, parentId }));
    });
  }

  /** Removes a department; its sub-departments move up to its parent. */
  async removeDepartment(actor: Actor, organisationId: string, departmentId: string): Promise<void> {
    this.allow(actor);
    await this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      const department = await this.departmentOf(organisation.id, departmentId);
      await this.repo.moveChildren(department.id, department.parentId);
      await this.repo.deleteDepartment(department.id);
    });
  }

  async location(actor: Actor, organisationId: string, locationId: string): Promise<{ organisation: Organisation; location: Location }> {
    this.allow(actor);
    const organisation = await this.existing(organisationId);
    const location = isRecordId(locationId) ? await this.repo.findLocation(organisation.id, locationId) : null;
    if (!location) throw new NotFoundError();
    return { organisation, location };
  }

  /** The organisation alone (for the new-location form). */
  async organisation(actor: Actor, id: string): Promise<Organisation> {
    this.allow(actor);
    return this.existing(id);
  }

  async addLocation(actor: Actor, organisationId: string, input: LocationInput): Promise<Location> {
    this.allow(actor);
    const fields = { name: checkName(input.name), address: checkText(input.address, 'address', MAX_ADDRESS) };
    return this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      await this.refuseTakenLocation(organisation.id, fields.name, null);
      return this.translatingLocationDuplicate(fields.name, () => this.repo.insertLocation({ organisationId: organisation.id, ...fields }));
    });
  }

  async updateLocation(actor: Actor, organisationId: string, locationId: string, input: LocationInput): Promise<void> {
    this.allow(actor);
    const fields = { name: checkName(input.name), address: checkText(input.address, 'address', MAX_ADDRESS) };
    await this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      const location = isRecordId(locationId) ? await this.repo.findLocation(organisation.id, locationId) : null;
      if (!location) throw new NotFoundError();
      await this.refuseTakenLocation(organisation.id, fields.name, location.id);
      await this.translatingLocationDuplicate(fields.name, () => this.repo.updateLocation(location.id, fields));
    });
  }

  async removeLocation(actor: Actor, organisationId: string, locationId: string): Promise<void> {
    this.allow(actor);
    await this.uow.transaction(async () => {
      const organisation = await this.locked(organisationId);
      const location = isRecordId(locationId) ? await this.repo.findLocation(organisation.id, locationId) : null;
      if (!location) throw new NotFoundError();
      await this.repo.deleteLocation(location.id);
    });
  }

  private allow(actor: Actor): void {
    if (!actorCan(actor, 'admin.organisations.manage')) throw new DomainError('forbidden', 'errors.forbidden', 403);
  }

  /** Name, code and domains checked; absent code or domains are left out (unchanged). */
  private checkFields(input: OrganisationInput): { name: string; code?: string | null; emailDomains?: string[] } {
    const fields: { name: string; code?: string | null; emailDomains?: string[] } = { name: checkName(input.name) };
    if (input.code !== undefined) {
      const code = withoutControls(input.code).trim();
      if (code !== '' && !CODE.test(code)) throw fieldError('code_invalid', 'organisations.errors.code_invalid', 'code', 400, { count: MAX_CODE });
      fields.code = code === '' ? null : code;
    }
    if (input.emailDomains !== undefined) fields.emailDomains = parseEmailDomains(input.emailDomains);
    return fields;
  }

  private async existing(id: string): Promise<Organisation> {
    const organisation = isRecordId(id) ? await this.repo.findById(id) : null;
    if (!organisation) throw new NotFoundError();
    return organisation;
  }

  private async locked(id: string): Promise<Organisation> {
    const organisation = isRecordId(id) ? await this.repo.lockById(id) : null;
    if (!organisation) throw new NotFoundError();
    return organisation;
  }

  private async departmentOf(organisationId: string, id: string): Promise<Department> {
    const department = isRecordId(id) ? await this.repo.findDepartment(organisationId, id) : null;
    if (!department) throw new NotFoundError();
    return department;
  }

  /** The parent named by the form: blank is none; anything but a department of this organisation is refused. */
  private async parentIn(organisationId: string, parentId: string | undefined): Promise<string | null> {
    const id = parentId?.trim() ?? '';
    if (id === '') return null;
    const parent = isRecordId(id) ? await this.repo.findDepartment(organisationId, id) : null;
    if (!parent) throw fieldError('parent_unknown', 'organisations.errors.parent_unknown', 'parentId');
    return parent.id;
  }

  /**
   * Names, codes and mail domains belong to one organisation each. Domains have no unique index
   * (they live in an array), so their check holds a lock that every domain change takes.
   */
  private async refuseTaken(fields: { name: string; code?: string | null; emailDomains?: string[] }, exceptId: string | null): Promise<void> {
    const named = await this.repo.findByName(fields.name);
    if (named && named.id !== exceptId) throw nameTaken(fields.name);
    if (fields.code) {
      const coded = await this.repo.findByCode(fields.code);
      if (coded && coded.id !== exceptId) throw codeTaken(fields.code);
    }
    if (fields.emailDomains?.length) {
      await this.repo.lockDomains();
      const owner = await this.repo.domainOwner(fields.emailDomains, exceptId);
      if (owner) {
        throw fieldError('domain_taken', 'organisations.errors.domain_taken', 'emailDomains', 409, { domain: owner.domain, name: owner.name });
      }
    }
  }

  private async refuseTakenDepartment(organisationId: string, name: string, exceptId: string | null): Promise<void> {
    const other = await this.repo.findDepartmentByName(organisationId, name);
    if (other && other.id !== exceptId) throw departmentTaken(name);
  }

  private async refuseTakenLocation(organisationId: string, name: string, exceptId: string | null): Promise<void> {
    const other = await this.repo.findLocationByName(organisationId, name);
    if (other && other.id !== exceptId) throw locationTaken(name);
  }

  /** Two admins racing past the checks: the unique indexes answer, and so do we. */
  private async translatingDuplicates<T>(fields: { name: string; code?: string | null }, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'organisations_name_lower_key')) throw nameTaken(fields.name);
      if (isUniqueViolation(error, 'organisations_code_lower_key')) throw codeTaken(fields.code ?? '');
      throw error;
    }
  }

  private async translatingDepartmentDuplicate<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'departments_organisation_name_key')) throw departmentTaken(name);
      throw error;
    }
  }

  private async translatingLocationDuplicate<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'locations_organisation_name_key')) throw locationTaken(name);
      throw error;
    }
  }
}

function nameTaken(name: string): DomainError {
  return fieldError('name_taken', 'organisations.errors.name_taken', 'name', 409, { name });
}

function codeTaken(code: string): DomainError {
  return fieldError('code_taken', 'organisations.errors.code_taken', 'code', 409, { code });
}

function departmentTaken(name: string): DomainError {
  return fieldError('department_taken', 'organisations.errors.department_taken', 'name', 409, { name });
}

function locationTaken(name: string): DomainError {
  return fieldError('location_taken', 'organisations.errors.location_taken', 'name', 409, { name });
}
