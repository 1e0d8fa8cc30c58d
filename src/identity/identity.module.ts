import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { ProfileController } from './profile.controller';
import { ProfileService } from './profile.service';
import { UserAdminService } from './user-admin.service';
import { AuthService } from './auth.service';
import { FirstAdminService } from './first-admin.service';
import { UserTokenRepository } from './user-token.repository';
import { UserRepository } from './user.repository';

/** Users and sign-in. The foundation's slice: local accounts, the first admin, sessions. */
@Module({
  controllers: [AuthController, ProfileController],
  providers: [AuthService, ProfileService, UserAdminService, FirstAdminService, UserRepository, UserTokenRepository],
  exports: [AuthService, UserAdminService, FirstAdminService, UserRepository],
})
export class IdentityModule {}
