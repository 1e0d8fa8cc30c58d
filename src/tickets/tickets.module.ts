import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TicketApiController } from './ticket.api.controller';
import { TicketController } from './ticket.controller';
import { TicketRepository } from './ticket.repository';
import { AutoCloseJob } from './auto-close.job';
import { AttachmentRepository } from './attachments/attachment.repository';
import { AttachmentService } from './attachments/attachment.service';
import { AttachmentStore } from './attachments/attachment-store';
import { TicketMailer } from './ticket-mailer';
import { TicketService } from './ticket.service';
import { TicketPage } from './ticket-page';
import { SatisfactionService } from './satisfaction/satisfaction.service';
import { NotificationRepository } from './notifications/notification.repository';
import { NotificationService } from './notifications/notification.service';
import { NotificationRulesController, NotificationsController } from './notifications/notifications.controller';
import { SatisfactionApiController, SatisfactionController } from './satisfaction/satisfaction.controller';
import { AnswerLinkController } from './satisfaction/answer-link.controller';
import { TicketActionsApiController } from './ticket-actions.api.controller';
import { MyTicketToolsApiController, TicketSetupApiController } from './setup.api.controller';
import { CallerLookupApiController } from './callers/caller-lookup.api.controller';
import { BulkActionsService } from './bulk-actions.service';
import { TicketTemplatesService } from './templates/ticket-templates.service';
import { TicketTemplatesController } from './templates/ticket-templates.controller';
import { RecurringTicketsJob } from './templates/recurring-tickets.job';
import { CustomFieldsService } from './fields/custom-fields.service';
import { CustomFieldsController } from './fields/custom-fields.controller';
import { TicketFollowingService } from './ticket-following.service';
import { SavedFiltersService } from './saved-filters.service';
import { SavedFiltersController } from './saved-filters.controller';
import { PresenceRepository } from './live/presence.repository';
import { TicketLiveService } from './live/ticket-live.service';
import { TicketLiveController } from './live/ticket-live.controller';
import { CallerLookupService } from './callers/caller-lookup.service';
import { ConversationRepository } from './conversation/conversation.repository';
import { ConversationService } from './conversation/conversation.service';
import { ConversationController } from './conversation/conversation.controller';
import { TicketWorkRepository } from './work/ticket-work.repository';
import { TicketWorkService } from './work/ticket-work.service';
import { TicketWorkController } from './work/ticket-work.controller';
import { TicketWorkApiController } from './work/ticket-work.api.controller';
import { TicketRelationsRepository } from './relations/ticket-relations.repository';
import { TicketRelationsService } from './relations/ticket-relations.service';
import { TicketRelationsController } from './relations/ticket-relations.controller';
import { TicketRelationsApiController } from './relations/ticket-relations.api.controller';
import { RoutingRuleRepository } from './routing/routing-rule.repository';
import { RoutingRuleService } from './routing/routing-rule.service';
import { TicketRouter } from './routing/ticket-router';
import { RoutingRuleController } from './routing/routing-rule.controller';
import { RoutingRuleApiController } from './routing/routing-rule.api.controller';

/** Incidents and service requests: the ticket model, workflow, conversation and queues. */
@Module({
  imports: [IdentityModule, CatalogueModule],
  controllers: [NotificationsController, NotificationRulesController, AnswerLinkController, SatisfactionController, SatisfactionApiController, TicketSetupApiController, MyTicketToolsApiController, TicketActionsApiController, CallerLookupApiController, TicketTemplatesController, CustomFieldsController, SavedFiltersController, TicketLiveController, ConversationController, TicketController, TicketApiController, TicketWorkController, TicketWorkApiController, TicketRelationsController, TicketRelationsApiController, RoutingRuleController, RoutingRuleApiController],
  providers: [NotificationRepository, NotificationService, SatisfactionService, BulkActionsService, TicketTemplatesService, RecurringTicketsJob, CustomFieldsService, TicketFollowingService, SavedFiltersService, PresenceRepository, TicketLiveService, CallerLookupService, ConversationRepository, ConversationService, TicketPage, TicketWorkRepository, TicketWorkService, TicketRelationsRepository, TicketRelationsService, RoutingRuleRepository, RoutingRuleService, TicketRouter, TicketRepository, TicketService, TicketMailer, AutoCloseJob, AttachmentRepository, AttachmentStore, AttachmentService],
  exports: [TicketService, SatisfactionService, CustomFieldsService, AttachmentService, AttachmentStore],
})
export class TicketsModule {}
