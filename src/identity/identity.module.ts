import { Module, type OnModuleInit } from '@nestjs/common';
import { DatabaseService } from '../kernel/database/database.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FirstAdminService } from './first-admin.service';
import { UserTokenRepository } from './user-token.repository';
import { UserRepository } from './user.repository';

/** Users and sign-in. The foundation's slice: local accounts, the first admin, sessions. */
@Module({
  controllers: [AuthController],
  providers: [AuthService, FirstAdminService, UserRepository, UserTokenRepository],
  exports: [AuthService, UserRepository],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly database: DatabaseService,
    private readonly firstAdmin: FirstAdminService,
  ) {}

  onModuleInit(): void {
    this.database.onReady(async () => void (await this.firstAdmin.ensure()));
  }
}
