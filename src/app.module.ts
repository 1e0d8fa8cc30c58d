import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { IdentityModule } from './identity/identity.module';
import { AuditModule } from './kernel/audit/audit.module';
import type { BootContext } from './kernel/boot/boot-context';
import { KernelModule } from './kernel/kernel.module';
import { MailModule } from './kernel/mail/mail.module';
import { PluginRouteGuard } from './kernel/plugins/plugin-routes';
import { PluginsModule } from './kernel/plugins/plugins.module';
import { CsrfGuard } from './kernel/security/csrf';
import { PermissionGuard } from './kernel/security/permission.guard';
import { ErrorFilter } from './kernel/web/error.filter';
import { ReportsModule } from './reports/reports.module';
import { TicketsModule } from './tickets/tickets.module';
import { CatalogueModule } from './catalogue/catalogue.module';
import { PortalModule } from './portal/portal.module';
import { EmailModule } from './email/email.module';

/** Wires the kernel, the core areas and the installed plugins. */
@Module({})
export class AppModule {
  static forRoot(boot: BootContext): DynamicModule {
    return {
      module: AppModule,
      imports: [KernelModule.forRoot(boot), AuditModule, MailModule, IdentityModule, CatalogueModule, TicketsModule, PortalModule, EmailModule, ReportsModule, PluginsModule.forRoot(boot.plugins)],
      providers: [
        // First: a disabled plugin's route must look missing before anyone is asked to sign in.
        { provide: APP_GUARD, useExisting: PluginRouteGuard },
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_GUARD, useClass: CsrfGuard },
        { provide: APP_FILTER, useExisting: ErrorFilter },
        {
          provide: APP_PIPE,
          useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }),
        },
      ],
    };
  }
}
