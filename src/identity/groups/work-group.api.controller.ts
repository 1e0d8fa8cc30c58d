import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../tokens/api-scope';
import {
  GroupIdParam,
  GroupMemberParam,
  NewMemberDto,
  PersonRefDto,
  WorkGroupBodyDto,
  WorkGroupListQuery,
  WorkGroupPageDto,
  WorkGroupSummaryDto,
  WorkGroupViewDto,
  WorkGroupViewQuery,
} from './work-group.api.dto';
import { WorkGroupService } from './work-group.service';

/** /api/v1/groups: work groups and their members, with the same rules as the admin pages. */
@ApiV1Controller('groups', 'groups')
export class WorkGroupApiController {
  constructor(private readonly groups: WorkGroupService) {}

  @Get()
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:read')
  @ApiOperation({ summary: 'Work groups in name order, a page at a time, with member counts' })
  @ApiOkResponse({ type: WorkGroupPageDto })
  async list(@Req() req: Request, @Query() query: WorkGroupListQuery): Promise<WorkGroupPageDto> {
    const page = await this.groups.list(req.actor!, query);
    return { items: page.rows.map((row) => WorkGroupSummaryDto.from(row)), nextCursor: page.next };
  }

  @Get(':id')
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:read')
  @ApiOperation({ summary: 'One work group with its lead and a page of members' })
  @ApiOkResponse({ type: WorkGroupViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async view(@Req() req: Request, @Param() params: GroupIdParam, @Query() query: WorkGroupViewQuery): Promise<WorkGroupViewDto> {
    return WorkGroupViewDto.from(await this.groups.view(req.actor!, params.id, query.membersCursor));
  }

  @Post()
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:write')
  @ApiOperation({ summary: 'Create a work group (the lead, if given, becomes its first member)' })
  @ApiCreatedResponse({ type: WorkGroupViewDto })
  async create(@Req() req: Request, @Body() body: WorkGroupBodyDto): Promise<WorkGroupViewDto> {
    const group = await this.groups.create(req.actor!, { ...body, name: body.name ?? '' });
    return WorkGroupViewDto.from(await this.groups.view(req.actor!, group.id));
  }

  @Patch(':id')
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:write')
  @ApiOperation({ summary: 'Change a work group; fields left out stay as they are' })
  @ApiOkResponse({ type: WorkGroupViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Req() req: Request, @Param() params: GroupIdParam, @Body() body: WorkGroupBodyDto): Promise<WorkGroupViewDto> {
    const current = await this.groups.view(req.actor!, params.id);
    const { group } = current;
    await this.groups.update(req.actor!, params.id, {
      name: body.name ?? group.name,
      description: body.description ?? group.description,
      email: body.email ?? group.email ?? '',
      ...(body.lead === undefined ? {} : { lead: body.lead }),
      ...(body.active === undefined ? {} : { active: body.active }),
      ...(body.assignmentMode === undefined ? {} : { assignmentMode: body.assignmentMode }),
      ...(body.escalationGroup === undefined ? {} : { escalationGroup: body.escalationGroup }),
    });
    return WorkGroupViewDto.from(await this.groups.view(req.actor!, params.id));
  }

  @Post(':id/members')
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:write')
  @ApiOperation({ summary: 'Add an active person to the group by user name' })
  @ApiCreatedResponse({ type: PersonRefDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async addMember(@Req() req: Request, @Param() params: GroupIdParam, @Body() body: NewMemberDto): Promise<PersonRefDto> {
    return PersonRefDto.from(await this.groups.addMember(req.actor!, params.id, body.username));
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @RequirePermission('admin.groups.manage')
  @RequireScope('groups:write')
  @ApiOperation({ summary: 'Remove a member (removing the lead leaves the group without one)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async removeMember(@Req() req: Request, @Param() params: GroupMemberParam): Promise<void> {
    await this.groups.removeMember(req.actor!, params.id, params.userId);
  }
}
