import { Body, Get, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../tokens/api-scope';
import {
  DepartmentBodyDto,
  LocationBodyDto,
  OrganisationBodyDto,
  OrganisationIdParam,
  OrganisationListQuery,
  OrganisationPageDto,
  OrganisationSummaryDto,
  OrganisationViewDto,
} from './organisation.api.dto';
import { OrganisationService } from './organisation.service';

/** /api/v1/organisations: organisations, their departments and locations, with the admin pages' rules. */
@ApiV1Controller('organisations', 'organisations')
export class OrganisationApiController {
  constructor(private readonly organisations: OrganisationService) {}

  @Get()
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:read')
  @ApiOperation({ summary: 'Organisations in name order, a page at a time' })
  @ApiOkResponse({ type: OrganisationPageDto })
  async list(@Req() req: Request, @Query() query: OrganisationListQuery): Promise<OrganisationPageDto> {
    const page = await this.organisations.list(req.actor!, query);
    return { items: page.rows.map((row) => OrganisationSummaryDto.from(row)), nextCursor: page.next };
  }

  @Get(':id')
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:read')
  @ApiOperation({ summary: 'One organisation with its departments and locations' })
  @ApiOkResponse({ type: OrganisationViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async view(@Req() req: Request, @Param() params: OrganisationIdParam): Promise<OrganisationViewDto> {
    return OrganisationViewDto.fromDetails(await this.organisations.view(req.actor!, params.id));
  }

  @Post()
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:write')
  @ApiOperation({ summary: 'Create an organisation' })
  @ApiCreatedResponse({ type: OrganisationViewDto })
  async create(@Req() req: Request, @Body() body: OrganisationBodyDto): Promise<OrganisationViewDto> {
    const organisation = await this.organisations.create(req.actor!, { ...body, name: body.name ?? '' });
    return OrganisationViewDto.fromDetails(await this.organisations.view(req.actor!, organisation.id));
  }

  @Patch(':id')
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:write')
  @ApiOperation({ summary: 'Change an organisation; fields left out stay as they are' })
  @ApiOkResponse({ type: OrganisationViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Req() req: Request, @Param() params: OrganisationIdParam, @Body() body: OrganisationBodyDto): Promise<OrganisationViewDto> {
    const current = await this.organisations.organisation(req.actor!, params.id);
    await this.organisations.update(req.actor!, params.id, {
      name: body.name ?? current.name,
      code: body.code ?? current.code ?? '',
      emailDomains: body.emailDomains ?? current.emailDomains,
      active: body.active ?? current.active,
      ...(body.selfRegistration === undefined ? {} : { selfRegistration: body.selfRegistration }),
      ...(body.requestsShared === undefined ? {} : { requestsShared: body.requestsShared }),
    });
    return OrganisationViewDto.fromDetails(await this.organisations.view(req.actor!, params.id));
  }

  @Post(':id/departments')
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:write')
  @ApiOperation({ summary: 'Add a department (optionally inside another of the same organisation)' })
  @ApiCreatedResponse({ type: OrganisationViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async addDepartment(@Req() req: Request, @Param() params: OrganisationIdParam, @Body() body: DepartmentBodyDto): Promise<OrganisationViewDto> {
    await this.organisations.addDepartment(req.actor!, params.id, body);
    return OrganisationViewDto.fromDetails(await this.organisations.view(req.actor!, params.id));
  }

  @Post(':id/locations')
  @RequirePermission('admin.organisations.manage')
  @RequireScope('organisations:write')
  @ApiOperation({ summary: 'Add a location' })
  @ApiCreatedResponse({ type: OrganisationViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async addLocation(@Req() req: Request, @Param() params: OrganisationIdParam, @Body() body: LocationBodyDto): Promise<OrganisationViewDto> {
    await this.organisations.addLocation(req.actor!, params.id, body);
    return OrganisationViewDto.fromDetails(await this.organisations.view(req.actor!, params.id));
  }
}
