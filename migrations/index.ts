import type { MigrationClass } from '../src/kernel/database/migrator';
import { Foundation1764000000000 } from './1764000000000-foundation';
import { AuditLog1764000000100 } from './1764000000100-audit-log';
import { ApiTokens1764000000200 } from './1764000000200-api-tokens';
import { GroupsOrganisations1764000000300 } from './1764000000300-groups-organisations';
import { UserRoles1764000000400 } from './1764000000400-user-roles';
import { Directories1764000000500 } from './1764000000500-directories';
import { People1764000000600 } from './1764000000600-people';
import { MailOutbox1764000000700 } from './1764000000700-mail-outbox';
import { SelfRegistration1764000000800 } from './1764000000800-self-registration';
import { Tickets1764000001000 } from './1764000001000-tickets';
import { TicketSearch1764000001100 } from './1764000001100-ticket-search';
import { GroupAssignment1764000001200 } from './1764000001200-group-assignment';
import { TicketAttachments1764000001300 } from './1764000001300-ticket-attachments';
import { ServiceCatalogue1764000001400 } from './1764000001400-service-catalogue';
import { RoutingRules1764000001500 } from './1764000001500-routing-rules';
import { TicketQueues1764000001600 } from './1764000001600-ticket-queues';
import { TicketRelations1764000001700 } from './1764000001700-ticket-relations';
import { TicketWork1764000001800 } from './1764000001800-ticket-work';
import { ConversationTools1764000001900 } from './1764000001900-conversation-tools';
import { CallerLookup1764000002000 } from './1764000002000-caller-lookup';
import { TicketPresence1764000002100 } from './1764000002100-ticket-presence';
import { SavedFilters1764000002200 } from './1764000002200-saved-filters';
import { CustomFields1764000002300 } from './1764000002300-custom-fields';
import { TicketTemplates1764000002400 } from './1764000002400-ticket-templates';
import { TicketRatings1764000002500 } from './1764000002500-ticket-ratings';
import { MailAbout1764000002600 } from './1764000002600-mail-about';
import { SharedRequests1764000002700 } from './1764000002700-shared-requests';
import { Notifications1764000002800 } from './1764000002800-notifications';
import { MailIntake1764000002900 } from './1764000002900-mail-intake';
import { MailIntakeRules1764000003000 } from './1764000003000-mail-intake-rules';
import { MailboxOauth1764000003100 } from './1764000003100-mailbox-oauth';

/** The core's migrations, in the order they run (by timestamp). Append; never reorder or edit a released one. */
export const CORE_MIGRATIONS: readonly MigrationClass[] = [
  Foundation1764000000000,
  AuditLog1764000000100,
  ApiTokens1764000000200,
  GroupsOrganisations1764000000300,
  UserRoles1764000000400,
  Directories1764000000500,
  People1764000000600,
  MailOutbox1764000000700,
  SelfRegistration1764000000800,
  Tickets1764000001000,
  TicketSearch1764000001100,
  GroupAssignment1764000001200,
  TicketAttachments1764000001300,
  ServiceCatalogue1764000001400,
  RoutingRules1764000001500,
  TicketQueues1764000001600,
  TicketRelations1764000001700,
  TicketWork1764000001800,
  ConversationTools1764000001900,
  CallerLookup1764000002000,
  TicketPresence1764000002100,
  SavedFilters1764000002200,
  CustomFields1764000002300,
  TicketTemplates1764000002400,
  TicketRatings1764000002500,
  MailAbout1764000002600,
  SharedRequests1764000002700,
  Notifications1764000002800,
  MailIntake1764000002900,
  MailIntakeRules1764000003000,
  MailboxOauth1764000003100,
];
