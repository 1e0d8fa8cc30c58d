import type { ConfigService } from '../config/config.service';
import type { DatabaseService } from '../database/database.service';
import type { DiscoveredPlugin } from '../plugins/plugin-manifest';

/** What is settled before Nest starts: the checked configuration, the database handle, the plugins found. */
export interface BootContext {
  readonly config: ConfigService;
  readonly database: DatabaseService;
  readonly plugins: readonly DiscoveredPlugin[];
}
