import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { IdentityModule } from '../identity/identity.module';
import { TicketsModule } from '../tickets/tickets.module';
import { InboundLogRepository } from './inbound-log.repository';
import { IntakeFiles } from './intake-files';
import { OAuthTokens } from './oauth-tokens';
import { IntakeSenders } from './intake-senders';
import { MailIntakeService } from './mail-intake.service';
import { MailboxController } from './mailbox.controller';
import { MailboxPoller } from './mailbox-poller';
import { MailboxWatcher } from './mailbox-watcher';
import { MailboxRepository } from './mailbox.repository';
import { MailboxService } from './mailbox.service';
import { SenderRulesService } from './sender-rules.service';

/** Inbound mail: mailboxes, the poller, the intake (threading, loop guard, exactly once), the log. */
@Module({
  imports: [IdentityModule, TicketsModule, CatalogueModule],
  controllers: [MailboxController],
  providers: [OAuthTokens, IntakeFiles, IntakeSenders, MailboxRepository, MailboxService, MailIntakeService, MailboxPoller, MailboxWatcher, InboundLogRepository, SenderRulesService],
  exports: [MailboxService, MailboxPoller, MailboxWatcher, MailIntakeService],
})
export class EmailModule {}
