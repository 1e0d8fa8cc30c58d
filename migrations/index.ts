import type { MigrationClass } from '../src/kernel/database/migrator';
import { Foundation1764000000000 } from './1764000000000-foundation';

/** The core's migrations, in the order they run. Append; never reorder or edit a released one. */
export const CORE_MIGRATIONS: readonly MigrationClass[] = [Foundation1764000000000];
