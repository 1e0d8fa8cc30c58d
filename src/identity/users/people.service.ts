import { Injectable } from '@nestjs/common';
import { AuditService } from '../../kernel/audit/audit.service';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { isLanguage } from '../../kernel/i18n/languages';
import type { Actor } from '../../kernel/security/actor';
import { actorCan, type Permission } from '../../kernel/security/permissions';
import { PostgresSessionStore } from '../../kernel/security/session-store';
import type { Role } from '../../kernel/security/roles';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { WorkGroupRepository } from '../groups/work-group.repository';
import { WorkGroupService } from '../groups/work-group.service';
import { checkName, fieldError, isRecordId, listQuery, namePage, prefixPattern, type NamePage } from '../organisations/named-records';
import { OrganisationRepository } from '../organisations/organisation.repository';
import { isKnownTimeZone } from '../profile.service';
import { checkRoles } from '../user-admin.service';
import { checkEmail, checkPhone } from '../user-name';
import { type RoleChangeSource, UserRoleService } from '../user-role.service';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';
import { PeopleRepository, type PersonRow } from './people.repository';

export const PEOPLE_PAGE_SIZE = 50;

export interface PeopleListInput {
  q?: string;
  cursor?: string;
  role?: string;
  /** 'active', 'inactive' or anything else for both. */
  status?: string;
}

/** The person form: every field; organisation and department are typed by name (or the organisation's code). */
export interface PersonInput {
  displayName?: string;
  email?: string;
  phone?: string;
  locale?: string;
  timeZone?: string;
  organisation?: string;
  department?: string;
  roles: readonly string[];
  active: boolean;
}

export interface PersonDetails {
  user: User;
  organisation: { id: string; name: string } | null;
  department: { id: string; name: string } | null;
  groups: Array<{ id: string; name: string; leads: boolean }>;
}

/** Where a change came from, for the audit log. */
export interface ChangeOrigin {
  ip?: string | null;
  /** 'admin' (the pages) unless said otherwise. */
  source?: RoleChangeSource;
}

/**
 * People's administration: the list, and a person's names, address, language, time zone,
 * organisation and department, roles and whether they may sign in. Roles change only through
 * UserRoleService (audited); the last active administrator cannot be demoted or deactivated.
 */
@Injectable()
export class PeopleService {
  constructor(
    private readonly people: PeopleRepository,
    private readonly users: UserRepository,
    private readonly organisations: OrganisationRepository,
    private readonly workGroups: WorkGroupRepository,
    private readonly groups: WorkGroupService,
    private readonly roles: UserRoleService,
    private readonly sessions: PostgresSessionStore,
    private readonly audit: AuditService,
    private readonly uow: UnitOfWork,
  ) {}

  async list(actor: Actor, input: PeopleListInput): Promise<NamePage<PersonRow>> {
    allow(actor, 'admin.users.view');
    const { prefix, after } = listQuery(input, 'people.errors.cursor');
    const role = input.role ? checkRoles([input.role])[0] : undefined;
    const active = input.status === 'active' ? true : input.status === 'inactive' ? false : undefined;
    const rows = await this.people.page({
      ...(prefix ? { prefix: prefixPattern(prefix) } : {}),
      ...(after ? { after } : {}),
      ...(role ? { role } : {}),
      ...(active === undefined ? {} : { active }),
      limit: PEOPLE_PAGE_SIZE + 1,
    });
    return namePage(rows, PEOPLE_PAGE_SIZE);
  }

  async view(actor: Actor, id: string): Promise<PersonDetails> {
    allow(actor, 'admin.users.view');
    const user = isRecordId(id) ? await this.users.findById(id) : null;
    if (!user) throw new NotFoundError();
    const organisation = user.organisationId ? await this.organisations.findById(user.organisationId) : null;
    const department = organisation && user.departmentId ? await this.organisations.findDepartment(organisation.id, user.departmentId) : null;
    return {
      user,
      organisation: organisation && { id: organisation.id, name: organisation.name },
      department: department && { id: department.id, name: department.name },
      groups: await this.workGroups.groupsOf(user.id),
    };
  }

  async update(actor: Actor, id: string, input: PersonInput, origin: ChangeOrigin = {}): Promise<void> {
    allow(actor, 'admin.users.manage');
    const displayName = checkName(input.displayName, 'displayName');
    const email = checkEmail(input.email);
    const phone = checkPhone(input.phone);
    const locale = input.locale?.trim() || null;
    if (locale !== null && !isLanguage(locale)) throw fieldError('locale_unknown', 'people.errors.locale', 'locale');
    const timeZone = input.timeZone?.trim() || null;
    if (timeZone !== null && !isKnownTimeZone(timeZone)) throw fieldError('time_zone_unknown', 'profile.errors.time_zone', 'timeZone');
    const roles = checkRoles(input.roles);
    let deactivated = false;
    await this.uow.transaction(async () => {
      // Demoting or deactivating administrators is serialised, so two admins cannot remove each other at once.
      await this.uow.lockForTransaction('people:administrators');
      const user = isRecordId(id) ? await this.users.findById(id) : null;
      if (!user) throw new NotFoundError();
      const { organisationId, departmentId } = await this.placement(input.organisation, input.department);
      const losesAdmin = user.roles.includes('administrator') && user.active && (!roles.includes('administrator') || !input.active);
      if (losesAdmin && !(await this.people.anotherActiveAdmin(user.id))) throw new DomainError('last_administrator', 'people.errors.last_administrator', 409);
      await this.people.update(user.id, { displayName, email, phone, locale, timeZone, organisationId, departmentId });
      await this.roles.setRoles(user.id, roles as Role[], { actorId: actor.id, source: origin.source ?? 'admin', ip: origin.ip ?? null });
      if (user.active !== input.active) {
        await this.people.setActive(user.id, input.active);
        await this.audit.record(input.active ? 'user.reactivated' : 'user.deactivated', { actorId: actor.id, subject: user.username, ip: origin.ip ?? null });
        deactivated = !input.active;
      }
    });
    // Outside the transaction: the session store uses its own connection.
    if (deactivated) await this.sessions.destroyAllOf(id);
  }

  /** Adds the person to a work group named by the admin (the group's own rules apply). */
  async joinGroup(actor: Actor, id: string, groupName: string): Promise<void> {
    allow(actor, 'admin.users.manage');
    const user = isRecordId(id) ? await this.users.findById(id) : null;
    if (!user) throw new NotFoundError();
    const group = await this.workGroups.findByName(groupName.trim());
    if (!group) throw fieldError('group_unknown', 'people.errors.group_unknown', 'group', 400, { name: groupName.trim() });
    await this.groups.addMember(actor, group.id, user.username);
  }

  async leaveGroup(actor: Actor, id: string, groupId: string): Promise<void> {
    allow(actor, 'admin.users.manage');
    await this.groups.removeMember(actor, groupId, id);
  }

  /** The organisation (by name or code) and the department in it (by name); blank for none. */
  private async placement(organisationText: string | undefined, departmentText: string | undefined): Promise<{ organisationId: string | null; departmentId: string | null }> {
    const orgName = organisationText?.trim() ?? '';
    const deptName = departmentText?.trim() ?? '';
    if (!orgName) {
      if (deptName) throw fieldError('department_without_organisation', 'people.errors.department_without_organisation', 'department');
      return { organisationId: null, departmentId: null };
    }
    const organisation = (await this.organisations.findByName(orgName)) ?? (await this.organisations.findByCode(orgName));
    if (!organisation) throw fieldError('organisation_unknown', 'people.errors.organisation_unknown', 'organisation', 400, { name: orgName });
    if (!deptName) return { organisationId: organisation.id, departmentId: null };
    const department = await this.organisations.findDepartmentByName(organisation.id, deptName);
    if (!department) throw fieldError('department_unknown', 'people.errors.department_unknown', 'department', 400, { name: deptName, organisation: organisation.name });
    return { organisationId: organisation.id, departmentId: department.id };
  }
}

function allow(actor: Actor, permission: Permission): void {
  if (!actorCan(actor, permission)) throw new NotFoundError();
}
