import { Module } from '@nestjs/common';
import { ApiTokenApiController } from './api/api-token.api.controller';
import { UserApiRepository } from './api/user-api.repository';
import { UserApiService } from './api/user-api.service';
import { UserApiController } from './api/user.api.controller';
import { AuthController } from './auth.controller';
import { DirectoryAccountService } from './directory/directory-account.service';
import { DirectoryController } from './directory/directory.controller';
import { DirectoryRepository } from './directory/directory.repository';
import { DirectoryService } from './directory/directory.service';
import { DirectorySignInService } from './directory/directory-sign-in.service';
import { DirectorySyncJob } from './directory/directory-sync.job';
import { DirectorySyncService } from './directory/directory-sync.service';
import { WorkGroupApiController } from './groups/work-group.api.controller';
import { WorkGroupController } from './groups/work-group.controller';
import { WorkGroupRepository } from './groups/work-group.repository';
import { WorkGroupService } from './groups/work-group.service';
import { OrganisationApiController } from './organisations/organisation.api.controller';
import { OrganisationController } from './organisations/organisation.controller';
import { OrganisationRepository } from './organisations/organisation.repository';
import { OrganisationService } from './organisations/organisation.service';
import { PasswordResetController } from './passwords/password-reset.controller';
import { PasswordResetService } from './passwords/password-reset.service';
import { ProfileController } from './profile.controller';
import { VisibilityService } from './visibility/visibility.service';
import { EmailedLinks } from './emailed-links.service';
import { InvitationController } from './requesters/invitation.controller';
import { InvitationService } from './requesters/invitation.service';
import { RegistrationService } from './requesters/registration.service';
import { RequesterAccessController } from './requesters/requester-access.controller';
import { SignInLinkService } from './requesters/sign-in-link.service';
import { ProfileService } from './profile.service';
import { ApiTokenRepository } from './tokens/api-token.repository';
import { ApiTokenService } from './tokens/api-token.service';
import { UserAdminService } from './user-admin.service';
import { UserRoleService } from './user-role.service';
import { AbsenceRepository } from './users/absence.repository';
import { AbsenceService } from './users/absence.service';
import { PeopleController } from './users/people.controller';
import { PeopleRepository } from './users/people.repository';
import { PeopleService } from './users/people.service';
import { AuthService } from './auth.service';
import { FirstAdminService } from './first-admin.service';
import { UserTokenRepository } from './user-token.repository';
import { UserRepository } from './user.repository';

/** Users and sign-in. The foundation's slice: local accounts, the first admin, sessions. */
@Module({
  controllers: [AuthController, RequesterAccessController, InvitationController, PasswordResetController, DirectoryController, PeopleController, ProfileController, WorkGroupController, OrganisationController, UserApiController, ApiTokenApiController, WorkGroupApiController, OrganisationApiController],
  providers: [AuthService, VisibilityService, EmailedLinks, SignInLinkService, InvitationService, RegistrationService, PasswordResetService, PeopleRepository, PeopleService, AbsenceRepository, AbsenceService, DirectoryRepository, DirectoryService, DirectoryAccountService, DirectorySignInService, DirectorySyncService, DirectorySyncJob, ProfileService, UserAdminService, UserRoleService, FirstAdminService, UserRepository, UserTokenRepository, WorkGroupService, WorkGroupRepository, OrganisationService, OrganisationRepository, ApiTokenService, ApiTokenRepository, UserApiService, UserApiRepository],
  exports: [AuthService, VisibilityService, EmailedLinks, RegistrationService, AbsenceService, DirectoryService, DirectorySyncService, UserAdminService, UserRoleService, FirstAdminService, UserRepository, WorkGroupService, OrganisationService, ApiTokenService],
})
export class IdentityModule {}
