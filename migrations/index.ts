import type { MigrationClass } from '../src/kernel/database/migrator';
import { Foundation1764000000000 } from './1764000000000-foundation';
import { UserRoles1764000000400 } from './1764000000400-user-roles';

/** The core's migrations, in the order they run (by timestamp). Append; never reorder or edit a released one. */
export const CORE_MIGRATIONS: readonly MigrationClass[] = [
  Foundation1764000000000,
  UserRoles1764000000400,
];
