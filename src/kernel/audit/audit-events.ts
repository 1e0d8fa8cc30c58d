/**
 * The events the audit log knows, grouped for the admin page's filter. Names follow the hook
 * convention (`area.object.event`), lower-case ASCII only: the table compares them byte by byte, so
 * a group (`auth.sign_in`) is the index range from its name up to its name followed by "/".
 */
export const AUDIT_EVENT_GROUPS = {
  'auth.sign_in': ['auth.sign_in.succeeded', 'auth.sign_in.failed', 'auth.sign_in.throttled'],
  'auth.password': ['auth.password.reset_requested', 'auth.password.reset'],
  'auth.link': ['auth.link.sent', 'auth.link.used'],
  plugin: ['plugin.enabled', 'plugin.disabled'],
  user: ['user.role.changed', 'user.deactivated', 'user.reactivated'],
  token: ['token.created'],
  'ldap.sync': ['ldap.sync.finished'],
} as const;

export type AuditGroupName = keyof typeof AUDIT_EVENT_GROUPS;
export type AuditEventName = (typeof AUDIT_EVENT_GROUPS)[AuditGroupName][number];

export const AUDIT_EVENTS: readonly AuditEventName[] = Object.values(AUDIT_EVENT_GROUPS).flat();
const GROUP_NAMES = Object.keys(AUDIT_EVENT_GROUPS) as AuditGroupName[];

/** What the event filter accepts: a group (every event under it) or one event. */
export const AUDIT_EVENT_FILTERS: readonly string[] = [...GROUP_NAMES, ...AUDIT_EVENTS];

/** The shape every event name and group has; guards the byte-range trick above. */
export const EVENT_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/;

export function isAuditEvent(value: unknown): value is AuditEventName {
  return typeof value === 'string' && (AUDIT_EVENTS as readonly string[]).includes(value);
}

export function isAuditGroup(value: unknown): value is AuditGroupName {
  return typeof value === 'string' && Object.hasOwn(AUDIT_EVENT_GROUPS, value);
}

/** i18n keys: dots would nest (`auth.sign_in` is a group and a prefix of its events), so `_` joins. */
export const eventLabelKey = (event: string) => `audit.events.${event.replaceAll('.', '_')}`;
export const groupLabelKey = (group: string) => `audit.groups.${group.replaceAll('.', '_')}`;
export const groupAllKey = (group: string) => `audit.groups_all.${group.replaceAll('.', '_')}`;

/** How the page colours an event: refusals stand out, ordinary successes stay calm. */
export function eventTone(event: string): 'ok' | 'danger' | 'warn' | 'info' {
  if (event === 'auth.sign_in.failed') return 'warn';
  if (event === 'auth.sign_in.throttled') return 'danger';
  if (event === 'auth.sign_in.succeeded') return 'ok';
  return 'info';
}
