import type { Permission } from './permissions';

/**
 * The roles a person can hold (several at once). A role grants named permissions; what a person
 * may do with a particular record is then narrowed by their work groups (who leads whom, which
 * group a ticket is addressed to) in the area that owns the record.
 */
export const ROLES = [
  'requester',
  'agent',
  'specialist',
  'group_lead',
  'manager',
  'change_approver',
  'knowledge_editor',
  'administrator',
] as const;

export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What everyone signed in may do, whatever their roles. */
const EVERYONE: readonly Permission[] = ['dashboard.view', 'profile.edit'];

/**
 * Permissions granted by each role beyond EVERYONE's. The administrator holds every permission
 * (see rolesGrant); the other roles gain theirs as the areas they work in are built.
 */
const GRANTS: Record<Exclude<Role, 'administrator'>, readonly Permission[]> = {
  requester: ['tickets.view', 'tickets.create'],
  // Agents meet clients on the phone and at the desk, so they may invite them to the portal.
  agent: ['tickets.view', 'tickets.create', 'tickets.work', 'requesters.invite'],
  specialist: ['tickets.view', 'tickets.create', 'tickets.work'],
  group_lead: ['tickets.view', 'tickets.create', 'tickets.work', 'tickets.delete', 'requesters.invite'],
  manager: ['tickets.view', 'tickets.create', 'tickets.work', 'tickets.delete', 'requesters.invite'],
  change_approver: [],
  knowledge_editor: [],
};

/** Whether holding `roles` grants `permission`. */
export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  if (roles.includes('administrator') || EVERYONE.includes(permission)) return true;
  return roles.some((role) => role !== 'administrator' && GRANTS[role].includes(permission));
}
