import { Body, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { AnyScope, ApiV1Controller, RequireScope } from '../tokens/api-scope';
import { UserApiService } from './user-api.service';
import { UserAdminService } from '../user-admin.service';
import { PeopleService } from '../users/people.service';
import { MeDto, NewUserBodyDto, USER_PAGE_DEFAULT, UserChangesDto, UserDto, UserIdParam, UserPageDto, UserPageQuery } from './user.dto';

/** /api/v1/me and /api/v1/users. */
@ApiV1Controller('', 'users')
export class UserApiController {
  constructor(
    private readonly users: UserApiService,
    private readonly creator: UserAdminService,
    private readonly people: PeopleService,
  ) {}

  @Get('me')
  @RequirePermission('profile.edit')
  @AnyScope()
  @ApiOperation({ summary: 'The caller, and the scopes of the token used' })
  @ApiOkResponse({ type: MeDto })
  async me(@Req() req: Request): Promise<MeDto> {
    const user = await this.users.me(req.actor!);
    return Object.assign(new MeDto(), UserDto.from(user), { scopes: req.apiScopes ? [...req.apiScopes] : null });
  }

  @Get('users')
  @RequirePermission('admin.users.view')
  @RequireScope('users:read')
  @ApiOperation({ summary: 'People in user-name order, a page at a time (no total count)' })
  @ApiOkResponse({ type: UserPageDto })
  async list(@Req() req: Request, @Query() query: UserPageQuery): Promise<UserPageDto> {
    const page = await this.users.page(req.actor!, query.cursor, query.limit ?? USER_PAGE_DEFAULT);
    return { items: page.users.map((user) => UserDto.from(user)), nextCursor: page.nextCursor };
  }

  // Everyone signed in may ask; the service shows oneself, or anyone to those who may see every person.
  @Get('users/:id')
  @RequirePermission('profile.edit')
  @RequireScope('users:read')
  @ApiOperation({ summary: 'One person (oneself, or anyone for those allowed to see every person)' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such person, or not one the caller may see' })
  async view(@Req() req: Request, @Param() params: UserIdParam): Promise<UserDto> {
    return UserDto.from(await this.users.view(req.actor!, params.id));
  }

  @Post('users')
  @RequirePermission('admin.users.manage')
  @RequireScope('users:write')
  @ApiOperation({ summary: 'Create a person (a local account; directory staff are created at their first sign-in)' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'The user name is taken (in any case)' })
  async create(@Req() req: Request, @Body() body: NewUserBodyDto): Promise<UserDto> {
    const created = await this.creator.create(body);
    return UserDto.from(await this.users.view(req.actor!, created.id));
  }

  @Patch('users/:id')
  @RequirePermission('admin.users.manage')
  @RequireScope('users:write')
  @ApiOperation({ summary: 'Change a person; fields left out stay as they are. Role changes are audited.' })
  @ApiOkResponse({ type: UserDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'It would leave no active administrator' })
  async update(@Req() req: Request, @Param() params: UserIdParam, @Body() body: UserChangesDto): Promise<UserDto> {
    const current = await this.people.view(req.actor!, params.id);
    const { user } = current;
    await this.people.update(
      req.actor!,
      user.id,
      {
        displayName: body.displayName ?? user.displayName,
        email: body.email ?? user.email ?? '',
        locale: body.locale ?? user.locale ?? '',
        timeZone: body.timeZone ?? user.timeZone ?? '',
        organisation: body.organisation ?? current.organisation?.name ?? '',
        department: body.department ?? current.department?.name ?? '',
        roles: body.roles ?? user.roles,
        active: body.active ?? user.active,
      },
      { ip: req.ip ?? null, source: 'api' },
    );
    return UserDto.from(await this.users.view(req.actor!, user.id));
  }
}
