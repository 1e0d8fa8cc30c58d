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

/** Incidents and service requests: the ticket model, workflow, conversation and queues. */
@Module({
  imports: [IdentityModule, CatalogueModule],
  controllers: [TicketController, TicketApiController],
  providers: [TicketRepository, TicketService, TicketMailer, AutoCloseJob, AttachmentRepository, AttachmentStore, AttachmentService],
  exports: [TicketService],
})
export class TicketsModule {}
