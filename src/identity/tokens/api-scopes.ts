import { DomainError } from '../../kernel/web/domain-error';

/**
 * What an API token may be used for. A scope only narrows: a request made with a token still
 * needs the owner's permission for the route, so a scope never grants what the person lacks.
 * New areas add their scopes here (`tickets:read`, …); the CLI, the API's input check and the
 * OpenAPI document all read this one list.
 */
export const API_SCOPES = {
  'users:read': 'Read people (the list also needs the permission to view users)',
  'users:write': 'Create and change people (also needs the permission to manage users)',
  'groups:read': 'Read work groups and their members',
  'groups:write': 'Create and change work groups and their members',
  'organisations:read': 'Read organisations with their departments and locations',
  'organisations:write': 'Create and change organisations, their departments and locations',
  'services:read': 'Read the service catalogue as the owner may see it',
  'services:write': 'Add and change services and their components (also needs the permission to keep the catalogue)',
  'routing:read': 'Read the routing rules (also needs the permission to keep them)',
  'routing:write': 'Add, change and reorder routing rules (also needs the permission to keep them)',
  'tickets:read': 'Read the tickets the owner may see',
  'tickets:write': 'Register tickets, reply and change their status (within the owner\'s rights)',
  'tokens:read': "List the owner's own API tokens",
  'tokens:write': "Create and revoke the owner's own API tokens (never with more scopes than the calling token)",
} as const;

export type ApiScope = keyof typeof API_SCOPES;

export const API_SCOPE_NAMES = Object.keys(API_SCOPES) as ApiScope[];

export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === 'string' && Object.hasOwn(API_SCOPES, value);
}

/** Known scopes, each once, in the list's order; anything else is refused with the offending names. */
export function checkScopes(names: readonly string[]): ApiScope[] {
  const unknown = names.filter((name) => !isApiScope(name));
  if (unknown.length) throw new DomainError('token_scope_unknown', 'tokens.errors.scope_unknown', 400, { scope: unknown.join(', ') });
  const asked = new Set(names);
  const scopes = API_SCOPE_NAMES.filter((scope) => asked.has(scope));
  if (!scopes.length) throw new DomainError('token_scopes_empty', 'tokens.errors.scopes_empty', 400);
  return scopes;
}
