import { Global, Module } from '@nestjs/common';
import { MailAdminService } from './mail-admin.service';
import { MailTemplates } from './mail-templates';
import { MailTransport } from './mail-transport';
import { MailController } from './mail.controller';
import { OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';
import { OutboxWorker } from './outbox.worker';

/** Outgoing mail: the transactional outbox, its templates and its delivery worker. Global: any area may send. */
@Global()
@Module({
  controllers: [MailController],
  providers: [OutboxRepository, OutboxService, MailTemplates, MailTransport, OutboxWorker, MailAdminService],
  exports: [OutboxService, OutboxWorker],
})
export class MailModule {}
