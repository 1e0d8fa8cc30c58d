import { CORE_MIGRATIONS } from '../../../migrations';
import { DirectoryRecord } from '../../identity/directory/directory.entity';
import { WorkGroupMember } from '../../identity/groups/work-group-member.entity';
import { WorkGroup } from '../../identity/groups/work-group.entity';
import { Department } from '../../identity/organisations/department.entity';
import { Location } from '../../identity/organisations/location.entity';
import { Organisation } from '../../identity/organisations/organisation.entity';
import { ApiToken } from '../../identity/tokens/api-token.entity';
import { User } from '../../identity/user.entity';
import { UserToken } from '../../identity/user-token.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AppSetting } from '../config/app-setting.entity';
import { PluginState } from '../plugins/plugin-state.entity';
import { SessionRecord } from '../security/session.entity';
import type { DatabaseSchema } from './database.service';

/** The core's entities and migrations; plugins add theirs when the app is assembled. */
export const CORE_SCHEMA: DatabaseSchema = {
  entities: [User, DirectoryRecord, UserToken, SessionRecord, PluginState, AppSetting, AuditEvent, Organisation, Department, Location, WorkGroup, WorkGroupMember, ApiToken],
  migrationSets: [{ source: 'core', migrations: CORE_MIGRATIONS }],
};
