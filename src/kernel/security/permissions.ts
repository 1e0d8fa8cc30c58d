import { SetMetadata } from '@nestjs/common';
import type { Actor } from './actor';
import { rolesGrant } from './roles';

/**
 * Named permissions. Every route declares one (or is explicitly public); a test walks every route
 * and fails on one without a declaration. Roles grant them (roles.ts).
 */
export const PERMISSIONS = {
  'dashboard.view': 'See the dashboard',
  'tickets.view': 'Open the tickets one may see (one\'s own requests; more with work groups and roles)',
  'tickets.create': 'Register a ticket (requesters for themselves; staff for anyone)',
  'tickets.work': 'Work tickets: internal notes, status changes, assignment, registering for others',
  'tickets.delete': 'Move tickets to the Deleted queue and restore them',
  'profile.edit': 'Change one\'s own language, time zone and sessions',
  'admin.plugins.manage': 'Enable, disable and configure plugins',
  'admin.system.view': 'See system status and configuration',
  'admin.catalogue.manage': 'Keep the service catalogue: services, components, owners, default groups and who sees each service',
  'admin.routing.manage': 'Keep the routing rules that address, prioritise and tag new tickets',
  'admin.groups.manage': 'Create and change work groups, their leads and members',
  'admin.organisations.manage': 'Create and change organisations, their departments and locations',
  'admin.audit.view': 'See the audit log of security events (sign-ins, plugin, role and token changes)',
  'admin.users.manage': 'Create people, change their roles, organisation, groups and absences, and deactivate them',
  'admin.users.view': 'See every person (the API\'s user list and any user\'s record)',
  'admin.directories.manage': 'Set up LDAP / Active Directory directories, their group mappings, and run the LDAP test',
  'admin.mail.manage': 'See the outgoing mail log and send failed messages again',
  'admin.mailboxes.manage': 'Set up the mailboxes mail is read from, test them, and see the intake log and quarantine',
  'admin.notifications.manage': 'Decide who is told of which ticket event on which channel (e-mail, the bell, the browser)',
  'requesters.invite': 'Invite external requesters (clients without a directory account) by e-mail',
  'admin.tokens.manage': 'Revoke other people\'s API tokens',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_KEY = 'opora:permission';
export const PUBLIC_ROUTE = 'public';

/** The permission a route needs. */
export const RequirePermission = (permission: Permission) => SetMetadata(PERMISSION_KEY, permission);

/** A route anyone may open (sign-in, setup, health, static). */
export const Public = () => SetMetadata(PERMISSION_KEY, PUBLIC_ROUTE);

/** Whether an actor holds a permission, through any of their roles. */
export function actorCan(actor: Actor, permission: Permission): boolean {
  return rolesGrant(actor.roles, permission);
}
