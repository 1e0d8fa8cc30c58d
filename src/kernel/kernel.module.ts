import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import type { BootContext } from './boot/boot-context';
import { ConfigService } from './config/config.service';
import { DatabaseService } from './database/database.service';
import { DataSourceProvider, UnitOfWork } from './database/unit-of-work';
import { SettingsMemo } from './database/settings-memo';
import { ExclusiveRunner } from './jobs/exclusive-runner';
import { HealthController } from './health/health.controller';
import { HooksModule } from './hooks/hooks.module';
import { HookBusOptions } from './hooks/hook-bus';
import { I18nModule } from './i18n/i18n.module';
import { LinkRequestLimit } from './security/link-request-limit';
import { LoginThrottle } from './security/login-throttle';
import { PasswordHasher } from './security/password-hasher';
import { SecretBox } from './security/secret-box';
import { SessionPruneJob } from './security/session-prune.job';
import { PostgresSessionStore } from './security/session-store';
import { loggerOptions } from './logging';
import { ErrorFilter } from './web/error.filter';
import { PageService } from './web/page.service';
import { ViewEngineHolder } from './web/view-engine.holder';

/** The kernel: configuration, database, hooks, i18n, security helpers, health. No business rules. */
@Global()
@Module({})
export class KernelModule {
  static forRoot(boot: BootContext): DynamicModule {
    const shared = [
      { provide: ConfigService, useValue: boot.config },
      { provide: DatabaseService, useValue: boot.database },
      { provide: DataSourceProvider, useValue: boot.database },
      {
        provide: HookBusOptions,
        useValue: { handlerTimeoutMs: boot.config.get('hooks.handler_timeout_ms'), maxDepth: boot.config.get('hooks.max_depth') },
      },
      { provide: SecretBox, useValue: new SecretBox(boot.config.secretKey.value) },
      UnitOfWork,
      SettingsMemo,
      ExclusiveRunner,
      PasswordHasher,
      LoginThrottle,
      LinkRequestLimit,
      PostgresSessionStore,
      SessionPruneJob,
      PageService,
      ViewEngineHolder,
      ErrorFilter,
    ];
    return {
      module: KernelModule,
      imports: [LoggerModule.forRoot(loggerOptions(boot.config)), ScheduleModule.forRoot(), HooksModule, I18nModule],
      controllers: [HealthController],
      providers: shared,
      exports: [...shared.map((provider) => ('provide' in provider ? provider.provide : provider)), HooksModule, I18nModule],
    };
  }
}
