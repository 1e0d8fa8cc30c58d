import { Body, Get, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../kernel/security/permissions';
import { ApiErrorDto } from '../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../identity/tokens/api-scope';
import { ComponentDto, ServiceDto } from './catalogue.dto';
import { CatalogueService, type ServiceWithComponents } from './catalogue.service';

export class ComponentViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) defaultGroup!: string | null;
  @ApiProperty() active!: boolean;
}

/** A service as the API shows it. */
export class ServiceViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) owner!: string | null;
  @ApiProperty({ type: String, nullable: true }) defaultGroup!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: [ComponentViewDto] }) components!: ComponentViewDto[];

  static from(service: ServiceWithComponents): ServiceViewDto {
    return {
      id: service.id,
      name: service.name,
      description: service.description,
      owner: service.ownerUsername,
      defaultGroup: service.defaultGroupName,
      active: service.active,
      components: service.components.map((component) => ({ id: component.id, name: component.name, defaultGroup: component.defaultGroupName, active: component.active })),
    };
  }
}

/** /api/v1/services: the catalogue as the caller may see it, and its upkeep for administrators. */
@ApiV1Controller('services', 'services')
export class CatalogueApiController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @RequirePermission('tickets.create')
  @RequireScope('services:read')
  @ApiOperation({ summary: 'The active services (and components) the caller may request; staff see all' })
  @ApiOkResponse({ type: [ServiceViewDto] })
  async list(@Req() req: Request): Promise<ServiceViewDto[]> {
    return (await this.catalogue.visibleTo(req.actor!)).map((service) => ServiceViewDto.from(service));
  }

  @Post()
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Add a service' })
  @ApiCreatedResponse({ type: ServiceViewDto })
  async create(@Body() body: ServiceDto): Promise<ServiceViewDto> {
    const id = await this.catalogue.create({ ...body, active: body.active ?? true });
    return ServiceViewDto.from((await this.catalogue.details(id)).service);
  }

  @Post(':id')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Change a service (every field; audiences are replaced)' })
  @ApiCreatedResponse({ type: ServiceViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Param('id') id: string, @Body() body: ServiceDto): Promise<ServiceViewDto> {
    await this.catalogue.update(id, { ...body, active: body.active ?? true });
    return ServiceViewDto.from((await this.catalogue.details(id)).service);
  }

  @Post(':id/components')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Add a component to a service' })
  @ApiCreatedResponse({ type: ServiceViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async addComponent(@Param('id') id: string, @Body() body: ComponentDto): Promise<ServiceViewDto> {
    await this.catalogue.addComponent(id, { ...body, active: body.active ?? true });
    return ServiceViewDto.from((await this.catalogue.details(id)).service);
  }
}
