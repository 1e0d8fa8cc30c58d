import type { User } from '../user.entity';

/** A user row for unit specs: an active local account with no roles, changed by `overrides`. */
export function userRecord(overrides: Partial<User> & Pick<User, 'id' | 'username'>): User {
  return {
    displayName: overrides.username,
    email: null,
    passwordHash: null,
    roles: [],
    locale: null,
    phone: null,
    timeZone: null,
    active: true,
    organisationId: null,
    departmentId: null,
    directoryId: null,
    directoryDn: null,
    directorySyncedAt: null,
    directoryMissingSince: null,
    emailBouncedAt: null,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}
