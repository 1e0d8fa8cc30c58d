import { Global, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HookBus } from '../hooks/hook-bus';
import { AuditController } from './audit.controller';
import { listenForSecurityEvents } from './audit.listeners';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

/**
 * The audit log of security events. Global, so any area can inject AuditService and record an
 * event inside its own transaction; the hook listeners cover what already fires hooks.
 */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule implements OnModuleInit, OnModuleDestroy {
  private off: Array<() => void> = [];

  constructor(
    private readonly hooks: HookBus,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.off = listenForSecurityEvents(this.hooks, this.audit);
  }

  onModuleDestroy(): void {
    for (const dispose of this.off.splice(0)) dispose();
  }
}
