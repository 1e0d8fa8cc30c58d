import type { Role } from '../../kernel/security/roles';

/** What one directory group means here: a role, or membership of a work group. */
export interface GroupMapping {
  groupDn: string;
  role: Role | null;
  workGroupId: string | null;
}

export interface MappedAccess {
  /** The person's roles: every role their groups map to, plus `requester`, which everyone holds. */
  roles: Role[];
  /** Work groups the person belongs to through their directory groups. */
  workGroupIds: string[];
  /**
   * Work groups whose membership this directory manages (any mapping points at them): the person
   * is added to or removed from these by sign-in and sync; other work groups are left to admins.
   */
  managedWorkGroupIds: string[];
}

/** LDAP compares DNs without regard to case; spaces around separators are not significant either. */
export function normalizeDn(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((part) => part.trim().toLowerCase())
    .join(',');
}

/**
 * Directory users' roles and mapped work groups follow their directory groups, so that leaving a
 * group in the directory takes the access away at the next sign-in or sync. Roles an admin gives
 * such a person by hand last only until then: the directory is the source of truth for them.
 */
export function mapGroups(userGroupDns: readonly string[], mappings: readonly GroupMapping[]): MappedAccess {
  const groups = new Set(userGroupDns.map(normalizeDn));
  const roles = new Set<Role>(['requester']);
  const workGroupIds = new Set<string>();
  const managed = new Set<string>();
  for (const mapping of mappings) {
    if (mapping.workGroupId) managed.add(mapping.workGroupId);
    if (!groups.has(normalizeDn(mapping.groupDn))) continue;
    if (mapping.role) roles.add(mapping.role);
    if (mapping.workGroupId) workGroupIds.add(mapping.workGroupId);
  }
  return { roles: [...roles].sort(), workGroupIds: [...workGroupIds].sort(), managedWorkGroupIds: [...managed].sort() };
}
