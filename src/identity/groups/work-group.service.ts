import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { actorCan } from '../../kernel/security/permissions';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
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
} from '../organisations/named-records';
import { checkUserName } from '../user-name';
import type { User } from '../user.entity';
import { UserRepository } from '../user.repository';
import { type AssignmentMode, isAssignmentMode } from './assignment-mode';
import type { WorkGroup } from './work-group.entity';
import { type WorkGroupListRow, type WorkGroupMemberRow, WorkGroupRepository } from './work-group.repository';

export const GROUPS_PAGE_SIZE = 50;
export const MEMBERS_PAGE_SIZE = 100;
/** Up to this many members the lead is picked from a list; beyond it, by typing a user name. */
export const LEAD_CHOICES_MAX = 300;
export const MAX_DESCRIPTION = 2000;
const MAX_EMAIL = 254;
const NAME_INDEX = 'work_groups_name_lower_key';

/** What the group forms and the API give; on update an absent field is left as it is. */
export interface WorkGroupInput {
  name: string;
  description?: string;
  /** The group mailbox address. */
  email?: string;
  /** The lead's user name: on creation they become the first member. */
  lead?: string;
  active?: boolean;
  /** manual, round_robin or least_loaded; absent leaves it as it is (new groups: manual). */
  assignmentMode?: string;
  /** The next line's name (blank: none; absent: no change). */
  escalationGroup?: string;
}

export interface WorkGroupListItem extends WorkGroupListRow {
  members: number;
}

/** A person as the group's page names them. */
export interface PersonRef {
  id: string;
  username: string;
  displayName: string;
}

export interface WorkGroupDetails {
  group: WorkGroup;
  lead: PersonRef | null;
  members: NamePage<WorkGroupMemberRow>;
  /** Every member, to pick the lead from; null when there are more than LEAD_CHOICES_MAX. */
  leadChoices: WorkGroupMemberRow[] | null;
  /** The next line's name, if the group escalates somewhere. */
  escalationGroupName: string | null;
}

/** A group's way of assigning, whose turn was last, and its active members in turn order. */
export interface AssignmentContext {
  mode: AssignmentMode;
  lastAssignedId: string | null;
  memberIds: string[];
}

/**
 * Work groups: the rules for names, the lead (always a member) and membership. Managed by people
 * holding admin.groups.manage; every method checks it again for the actor it is given.
 */
@Injectable()
export class WorkGroupService {
  constructor(
    private readonly repo: WorkGroupRepository,
    private readonly users: UserRepository,
    private readonly uow: UnitOfWork,
  ) {}

  /** A page of groups in name order, optionally those whose name starts with `q`, with member counts. */
  async list(actor: Actor, input: { q?: string; cursor?: string }): Promise<NamePage<WorkGroupListItem>> {
    this.allow(actor);
    const { prefix, after } = listQuery(input, 'groups.errors.cursor');
    const rows = await this.repo.page({ ...(prefix ? { prefix: prefixPattern(prefix) } : {}), ...(after ? { after } : {}), limit: GROUPS_PAGE_SIZE + 1 });
    const page = namePage(rows, GROUPS_PAGE_SIZE);
    const counts = await this.repo.memberCounts(page.rows.map((row) => row.id));
    return { rows: page.rows.map((row) => ({ ...row, members: counts.get(row.id) ?? 0 })), next: page.next };
  }

  /** A group with its lead and a page of its members; an unknown id is NotFoundError. */
  async view(actor: Actor, id: string, membersCursor?: string): Promise<WorkGroupDetails> {
    this.allow(actor);
    const group = isRecordId(id) ? await this.repo.findById(id) : null;
    if (!group) throw new NotFoundError();
    const { after } = listQuery({ cursor: membersCursor }, 'groups.errors.cursor');
    const members = namePage(await this.repo.membersPage(id, { ...(after ? { after } : {}), limit: MEMBERS_PAGE_SIZE + 1 }), MEMBERS_PAGE_SIZE);
    const everyone = !after && members.next === null ? members.rows : await this.repo.membersPage(id, { limit: LEAD_CHOICES_MAX + 1 });
    const lead = group.leadId ? await this.users.findById(group.leadId) : null;
    return {
      group,
      lead: lead && { id: lead.id, username: lead.username, displayName: lead.displayName },
      members,
      leadChoices: everyone.length > LEAD_CHOICES_MAX ? null : everyone,
      escalationGroupName: group.escalationGroupId ? await this.nameOf(group.escalationGroupId) : null,
    };
  }

  async create(actor: Actor, input: WorkGroupInput): Promise<WorkGroup> {
    this.allow(actor);
    const fields = this.checkFields(input);
    const leadName = input.lead?.trim() ?? '';
    return this.uow.transaction(async () => {
      await this.refuseTakenName(fields.name);
      const lead = leadName === '' ? null : await this.activeUser(leadName, 'lead');
      const group = await this.translatingDuplicates(fields.name, () =>
        this.repo.insert({ description: '', email: null, ...fields, leadId: lead?.id ?? null, active: input.active ?? true, assignmentMode: checkMode(input.assignmentMode) ?? 'manual' }),
      );
      if (lead) await this.repo.addMember(group.id, lead.id);
      return group;
    });
  }

  /**
   * Changes name, description, mailbox, lead and the active flag. The lead is given by user name
   * and must already be a member (the page offers only members); blank means no lead, absent
   * (like an absent active flag) means no change.
   */
  async update(actor: Actor, id: string, input: WorkGroupInput): Promise<void> {
    this.allow(actor);
    const fields = this.checkFields(input);
    await this.uow.transaction(async () => {
      const group = await this.locked(id);
      await this.refuseTakenName(fields.name, group.id);
      const lead = input.lead === undefined ? {} : { leadId: await this.memberLead(group.id, input.lead.trim()) };
      const active = input.active === undefined ? {} : { active: input.active };
      const mode = checkMode(input.assignmentMode);
      const escalation = input.escalationGroup === undefined ? {} : { escalationGroupId: await this.nextLine(group.id, input.escalationGroup) };
      await this.translatingDuplicates(fields.name, () => this.repo.update(group.id, { ...fields, ...lead, ...active, ...escalation, ...(mode ? { assignmentMode: mode } : {}) }));
    });
  }

  /** The id of the active group with this name (any case), for addressing work to it. */
  async activeGroupId(name: string): Promise<string | null> {
    const group = await this.repo.findByName(name);
    return group?.active ? group.id : null;
  }

  /** A group's name by id (null when gone), to show a stored reference again. */
  async nameOf(id: string): Promise<string | null> {
    return (await this.repo.findById(id))?.name ?? null;
  }

  isMember(groupId: string, userId: string): Promise<boolean> {
    return this.repo.isMember(groupId, userId);
  }

  /**
   * What automatic assignment needs of a group, with the group row locked for the caller's
   * transaction so two tickets arriving together cannot both take the same turn. Read once per
   * transaction: while it holds the lock, no other can change the turn or the members (adding one
   * locks the row too), so the next pick in the same transaction goes on from what it knows.
   */
  async assignmentContext(groupId: string): Promise<AssignmentContext> {
    // Where tickets are made side by side in one transaction, the row lock cannot keep them apart:
    // the name does, until the pick is written (`assignmentWritten`) or the piece ends.
    await this.uow.exclusive(`work-group:${groupId}`);
    const known = this.lockedGroups()?.get(groupId);
    if (known) return { ...known, memberIds: [...known.memberIds] };
    const group = await this.repo.lockById(groupId);
    if (!group) return { mode: 'manual', lastAssignedId: null, memberIds: [] };
    const context: AssignmentContext = {
      mode: isAssignmentMode(group.assignmentMode) ? group.assignmentMode : 'manual',
      lastAssignedId: group.lastAssignedId,
      memberIds: await this.repo.activeMemberIds(groupId),
    };
    this.lockedGroups()?.set(groupId, context);
    return { ...context, memberIds: [...context.memberIds] };
  }

  async recordAssignment(groupId: string, userId: string): Promise<void> {
    await this.repo.recordPick(groupId, userId);
    const known = this.lockedGroups()?.get(groupId);
    if (known) known.lastAssignedId = userId;
  }

  /** The assignment contexts read under lock in the open transaction. */
  private lockedGroups(): Map<string, AssignmentContext> | null {
    return this.uow.kept('work-groups.locked', () => new Map<string, AssignmentContext>());
  }

  /**
   * What the next automatic pick needs of this one is written (the turn; for the least-loaded
   * pick, the ticket with its assignee): the next pick in the same transaction may go ahead.
   * Between transactions the row lock still holds until the commit.
   */
  assignmentWritten(groupId: string): void {
    this.uow.release(`work-group:${groupId}`);
  }

  /** Adds an active person, found by user name (any case), to the group. */
  async addMember(actor: Actor, id: string, username: string): Promise<PersonRef> {
    this.allow(actor);
    return this.uow.transaction(async () => {
      const group = await this.locked(id);
      const user = await this.activeUser(username.trim(), 'username');
      if (!(await this.repo.addMember(group.id, user.id))) {
        throw fieldError('already_member', 'groups.errors.already_member', 'username', 409, { name: user.username });
      }
      return { id: user.id, username: user.username, displayName: user.displayName };
    });
  }

  /** Removes a member; removing the lead leaves the group without one (reported back). */
  async removeMember(actor: Actor, id: string, userId: string): Promise<{ leadCleared: boolean }> {
    this.allow(actor);
    if (!isRecordId(userId)) throw new NotFoundError();
    return this.uow.transaction(async () => {
      const group = await this.locked(id);
      if (!(await this.repo.removeMember(group.id, userId))) throw new NotFoundError();
      const leadCleared = group.leadId === userId;
      if (leadCleared) await this.repo.update(group.id, { leadId: null });
      return { leadCleared };
    });
  }

  /** Deletes an empty group; one with members is refused (deactivate it instead, its history stays). */
  async delete(actor: Actor, id: string): Promise<void> {
    this.allow(actor);
    await this.uow.transaction(async () => {
      const group = await this.locked(id);
      if (await this.repo.hasMembers(group.id)) throw new DomainError('group_has_members', 'groups.errors.has_members', 409);
      await this.repo.delete(group.id);
    });
  }

  /** The groups a person belongs to, and whether they lead each; for other areas (visibility, assignment). */
  groupsOf(userId: string): Promise<Array<{ id: string; name: string; leads: boolean }>> {
    return isRecordId(userId) ? this.repo.groupsOf(userId) : Promise.resolve([]);
  }

  private allow(actor: Actor): void {
    if (!actorCan(actor, 'admin.groups.manage')) throw new DomainError('forbidden', 'errors.forbidden', 403);
  }

  /** Name, description and mailbox checked; an absent description or mailbox is left out (unchanged). */
  private checkFields(input: WorkGroupInput): { name: string; description?: string; email?: string | null } {
    const name = checkName(input.name);
    const fields: { name: string; description?: string; email?: string | null } = { name };
    if (input.description !== undefined) fields.description = checkText(input.description, 'description', MAX_DESCRIPTION);
    if (input.email !== undefined) {
      const email = withoutControls(input.email).trim();
      if (email !== '' && (email.length > MAX_EMAIL || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(email))) {
        throw fieldError('email_invalid', 'validation.email_invalid', 'email');
      }
      fields.email = email === '' ? null : email;
    }
    return fields;
  }

  /** The group a group escalates to: another active group, by name; blank for none. */
  private async nextLine(groupId: string, name: string): Promise<string | null> {
    if (!name.trim()) return null;
    const next = await this.repo.findByName(name.trim());
    if (!next?.active) throw fieldError('group_unknown', 'people.errors.group_unknown', 'escalationGroup', 400, { name: name.trim() });
    if (next.id === groupId) throw fieldError('escalation_self', 'groups.errors.escalation_self', 'escalationGroup');
    return next.id;
  }

  /** The next line of a group, if it has one (for escalation). */
  async escalationOf(groupId: string): Promise<string | null> {
    return (await this.repo.findById(groupId))?.escalationGroupId ?? null;
  }

  private async locked(id: string): Promise<WorkGroup> {
    const group = isRecordId(id) ? await this.repo.lockById(id) : null;
    if (!group) throw new NotFoundError();
    return group;
  }

  private async refuseTakenName(name: string, exceptId?: string): Promise<void> {
    const other = await this.repo.findByName(name);
    if (other && other.id !== exceptId) throw nameTaken(name);
  }

  /** Two admins racing past refuseTakenName: the unique index answers, and so do we. */
  private async translatingDuplicates<T>(name: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, NAME_INDEX)) throw nameTaken(name);
      throw error;
    }
  }

  /** The id of the member named to lead the group; blank is none. */
  private async memberLead(groupId: string, leadName: string): Promise<string | null> {
    if (leadName === '') return null;
    const lead = await this.userNamed(leadName);
    if (!lead || !(await this.repo.isMember(groupId, lead.id))) {
      throw fieldError('lead_not_member', 'groups.errors.lead_not_member', 'lead', 400, { name: leadName });
    }
    return lead.id;
  }

  private async userNamed(username: string): Promise<User | null> {
    try {
      checkUserName(username);
    } catch {
      return null;
    }
    return this.users.findByUsername(username);
  }

  private async activeUser(username: string, field: string): Promise<User> {
    const user = await this.userNamed(username);
    if (!user) throw fieldError('user_unknown', 'groups.errors.user_unknown', field, 400, { name: username });
    if (!user.active) throw fieldError('user_inactive', 'groups.errors.user_inactive', field, 400, { name: user.username });
    return user;
  }
}

function nameTaken(name: string): DomainError {
  return fieldError('name_taken', 'groups.errors.name_taken', 'name', 409, { name });
}

/** A mode as given (undefined when not given); anything unknown is refused beside its field. */
function checkMode(mode: string | undefined): AssignmentMode | undefined {
  if (mode === undefined || mode === '') return undefined;
  if (!isAssignmentMode(mode)) throw fieldError('assignment_mode_invalid', 'groups.errors.assignment_mode', 'assignmentMode');
  return mode;
}
