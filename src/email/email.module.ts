import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { IdentityModule } from '../identity/identity.module';
import { TicketsModule } from '../tickets/tickets.module';
import { InboundLogRepository } from './inbound-log.repository';
import { MailIntakeService } from './mail-intake.service';
import { MailboxController } from './mailbox.controller';
import { MailboxPoller } from './mailbox-poller';
import { MailboxRepository } from './mailbox.repository';
import { MailboxService } from './mailbox.service';

/** Inbound mail: mailboxes, the poller, the intake (threading, loop guard, exactly once), the log. */
@Module({
  imports: [IdentityModule, TicketsModule, CatalogueModule],
  controllers: [MailboxController],
  providers: [MailboxRepository, MailboxService, MailIntakeService, MailboxPoller, InboundLogRepository],
  exports: [MailboxService, MailboxPoller, MailIntakeService],
})
export class EmailModule {}
