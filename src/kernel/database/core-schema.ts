import { CORE_MIGRATIONS } from '../../../migrations';
import { User } from '../../identity/user.entity';
import { UserToken } from '../../identity/user-token.entity';
import { AppSetting } from '../config/app-setting.entity';
import { PluginState } from '../plugins/plugin-state.entity';
import { SessionRecord } from '../security/session.entity';
import type { DatabaseSchema } from './database.service';

/** The core's entities and migrations; plugins add theirs when the app is assembled. */
export const CORE_SCHEMA: DatabaseSchema = {
  entities: [User, UserToken, SessionRecord, PluginState, AppSetting],
  migrationSets: [{ source: 'core', migrations: CORE_MIGRATIONS }],
};
