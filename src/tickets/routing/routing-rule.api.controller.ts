import { Body, Get, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../../identity/tokens/api-scope';
import { MoveDto, RoutingRuleDto } from './routing-rule.dto';
import type { StoredRule } from './routing-rule.repository';
import { RoutingRuleService } from './routing-rule.service';

/** A stored rule: conditions and actions with ids, in evaluation order. */
export class RoutingRuleViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() position!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty() stop!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) conditions!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) actions!: Record<string, unknown>;

  static from(rule: StoredRule): RoutingRuleViewDto {
    return { id: rule.id, name: rule.name, position: rule.position, active: rule.active, stop: rule.stop, conditions: { ...rule.conditions }, actions: { ...rule.actions } };
  }
}

/** /api/v1/routing-rules: the same upkeep as the admin pages. */
@ApiV1Controller('routing-rules', 'routing')
export class RoutingRuleApiController {
  constructor(private readonly rules: RoutingRuleService) {}

  @Get()
  @RequirePermission('admin.routing.manage')
  @RequireScope('routing:read')
  @ApiOperation({ summary: 'All routing rules in the order they are evaluated' })
  @ApiOkResponse({ type: [RoutingRuleViewDto] })
  async list(): Promise<RoutingRuleViewDto[]> {
    return (await this.rules.list()).map((rule) => RoutingRuleViewDto.from(rule));
  }

  @Post()
  @RequirePermission('admin.routing.manage')
  @RequireScope('routing:write')
  @ApiOperation({ summary: 'Add a rule at the end of the list' })
  @ApiCreatedResponse({ type: RoutingRuleViewDto })
  async create(@Body() body: RoutingRuleDto): Promise<RoutingRuleViewDto> {
    const id = await this.rules.create({ ...body, active: body.active ?? true, stop: body.stop ?? false });
    return RoutingRuleViewDto.from(await this.rules.get(id));
  }

  @Post(':id')
  @RequirePermission('admin.routing.manage')
  @RequireScope('routing:write')
  @ApiOperation({ summary: 'Replace a rule (every field)' })
  @ApiCreatedResponse({ type: RoutingRuleViewDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async update(@Param('id') id: string, @Body() body: RoutingRuleDto): Promise<RoutingRuleViewDto> {
    await this.rules.update(id, { ...body, active: body.active ?? true, stop: body.stop ?? false });
    return RoutingRuleViewDto.from(await this.rules.get(id));
  }

  @Post(':id/move')
  @RequirePermission('admin.routing.manage')
  @RequireScope('routing:write')
  @ApiOperation({ summary: 'Move a rule one place up or down' })
  @ApiCreatedResponse({ type: [RoutingRuleViewDto] })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async move(@Param('id') id: string, @Body() body: MoveDto): Promise<RoutingRuleViewDto[]> {
    await this.rules.move(id, body.direction === 'up' ? -1 : 1);
    return this.list();
  }
}
