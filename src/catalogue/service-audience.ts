/*
 * Who sees a service in the catalogue. A service with no audience is for everyone; otherwise a
 * person sees it when their organisation, their department or one of their work groups (which
 * follow LDAP groups through the directory mappings) is among its audiences. Pure, so the rule
 * is tested densely; the repository states the same rule in SQL for lists.
 */

export interface Audience {
  readonly organisationId?: string | null;
  readonly departmentId?: string | null;
  readonly groupId?: string | null;
}

export interface AudienceMember {
  readonly organisationId: string | null;
  readonly departmentId: string | null;
  readonly groupIds: readonly string[];
}

export function inAudience(audiences: readonly Audience[], person: AudienceMember): boolean {
  if (audiences.length === 0) return true;
  return audiences.some(
    (audience) =>
      (audience.organisationId != null && audience.organisationId === person.organisationId) ||
      (audience.departmentId != null && audience.departmentId === person.departmentId) ||
      (audience.groupId != null && person.groupIds.includes(audience.groupId)),
  );
}

/** The service and component a form's single choice names: "<service id>" or "<service id>:<component id>". */
export function parseServiceChoice(value: string | undefined): { service?: string; component?: string } {
  const [service, component] = (value ?? '').split(':', 2).map((part) => part.trim());
  return { ...(service ? { service } : {}), ...(component ? { component } : {}) };
}
