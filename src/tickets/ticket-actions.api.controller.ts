import { Body, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import { RequirePermission } from '../kernel/security/permissions';
import { ApiErrorDto } from '../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../identity/tokens/api-scope';
import { BULK_ACTIONS, BulkActionsService, type BulkAction } from './bulk-actions.service';
import { TicketFollowingService } from './ticket-following.service';
import { TicketDetailDto } from './ticket.api.controller';
import { TicketService } from './ticket.service';

class VersionDto {
  @ApiProperty({ description: "The ticket's version as last read (optimistic locking)" }) @Type(() => Number) @IsInt() @Min(1) version!: number;
}

class AssignBodyDto extends VersionDto {
  @ApiPropertyOptional({ description: 'Work group by name; empty clears' }) @IsOptional() @IsString() @MaxLength(200) group?: string;
  @ApiPropertyOptional({ description: 'Assignee login (a member of the group); empty lets the group assign' }) @IsOptional() @IsString() @MaxLength(200) assignee?: string;
}

class TagsBodyDto extends VersionDto {
  @ApiProperty({ description: 'Tags, comma-separated (replaces them)' }) @IsString() @MaxLength(5000) tags!: string;
}

class CustomBodyDto extends VersionDto {
  @ApiProperty({ type: 'object', additionalProperties: true }) @IsObject() custom!: Record<string, unknown>;
}

class FlagBodyDto {
  @ApiProperty() @IsBoolean() on!: boolean;
}

class BulkBodyDto {
  @ApiProperty({ type: [String], example: ['INC-1', 'INC-2'] }) @IsArray() @ArrayMaxSize(200) @IsString({ each: true }) @MaxLength(40, { each: true }) refs!: string[];
  @ApiProperty({ enum: BULK_ACTIONS }) @IsIn(BULK_ACTIONS) action!: BulkAction;
  @ApiPropertyOptional({ description: 'group / login, a status key or a tag' }) @IsOptional() @IsString() @MaxLength(400) value?: string;
}

class BulkResultDto {
  @ApiProperty({ type: [String] }) done!: string[];
  @ApiProperty({ description: 'Tickets left as they were, with the refusal code' }) skipped!: Array<{ ref: string; reason: string }>;
}

/** /api/v1/tickets: the rest of what the ticket pages can do — assign, delete, star, watch, tags, fields, bulk. */
@ApiV1Controller('tickets', 'tickets')
export class TicketActionsApiController {
  constructor(
    private readonly tickets: TicketService,
    private readonly following: TicketFollowingService,
    private readonly bulk: BulkActionsService,
  ) {}

  private async detail(req: Request, ref: string): Promise<TicketDetailDto> {
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post('bulk')
  @HttpCode(200)
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Apply one action to many tickets, each under its own rules; those that cannot take it are skipped' })
  @ApiOkResponse({ type: BulkResultDto })
  async applyBulk(@Req() req: Request, @Body() body: BulkBodyDto): Promise<BulkResultDto> {
    return this.bulk.apply(req.actor!, body.refs, body.action, body.value ?? '');
  }

  @Post(':ref/assign')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: "Address the ticket to a group and/or person (the group's automatic assignment applies)" })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async assign(@Req() req: Request, @Param('ref') ref: string, @Body() body: AssignBodyDto): Promise<TicketDetailDto> {
    await this.tickets.assign(req.actor!, ref, body, 'api');
    return this.detail(req, ref);
  }

  @Post(':ref/delete')
  @HttpCode(204)
  @RequirePermission('tickets.delete')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Move the ticket to the Deleted queue (it can be restored)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async remove(@Req() req: Request, @Param('ref') ref: string, @Body() body: VersionDto): Promise<void> {
    await this.tickets.delete(req.actor!, ref, body.version, 'api');
  }

  @Post(':ref/restore')
  @RequirePermission('tickets.delete')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Bring a deleted ticket back' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async restore(@Req() req: Request, @Param('ref') ref: string): Promise<TicketDetailDto> {
    await this.tickets.restore(req.actor!, ref, 'api');
    return this.detail(req, ref);
  }

  @Post(':ref/star')
  @HttpCode(204)
  @RequirePermission('tickets.view')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Star (on: true) or un-star the ticket, for oneself' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async star(@Req() req: Request, @Param('ref') ref: string, @Body() body: FlagBodyDto): Promise<void> {
    await this.tickets.star(req.actor!, ref, body.on);
  }

  @Post(':ref/watch')
  @HttpCode(204)
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Watch (on: true) or stop watching the ticket' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async watch(@Req() req: Request, @Param('ref') ref: string, @Body() body: FlagBodyDto): Promise<void> {
    await this.following.watch(req.actor!, ref, body.on);
  }

  @Post(':ref/tags')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: "Replace the ticket's tags" })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async tags(@Req() req: Request, @Param('ref') ref: string, @Body() body: TagsBodyDto): Promise<TicketDetailDto> {
    await this.following.setTags(req.actor!, ref, body, 'api');
    return this.detail(req, ref);
  }

  @Post(':ref/fields')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: "Replace the ticket's custom field values (checked as at registration)" })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async fields(@Req() req: Request, @Param('ref') ref: string, @Body() body: CustomBodyDto): Promise<TicketDetailDto> {
    await this.following.setCustom(req.actor!, ref, body, 'api');
    return this.detail(req, ref);
  }
}
