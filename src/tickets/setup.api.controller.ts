import { Body, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request } from 'express';
import { RequirePermission } from '../kernel/security/permissions';
import { ApiErrorDto } from '../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../identity/tokens/api-scope';
import { ConversationService } from './conversation/conversation.service';
import { CustomFieldsService } from './fields/custom-fields.service';
import { SavedFiltersService } from './saved-filters.service';
import { TicketTemplatesService } from './templates/ticket-templates.service';

class FieldBodyDto {
  @ApiProperty({ example: 'model' }) @IsString() @MaxLength(100) key!: string;
  @ApiProperty() @IsString() @MaxLength(2000) label!: string;
  @ApiProperty({ enum: ['text', 'number', 'date', 'select', 'checkbox'] }) @IsString() @MaxLength(20) kind!: string;
  @ApiPropertyOptional({ description: 'Choices of a select, one a line' }) @IsOptional() @IsString() @MaxLength(20000) options?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() required?: boolean;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) types?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) serviceId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) category?: string;
  @ApiPropertyOptional({ example: 'model=MacBook' }) @IsOptional() @IsString() @MaxLength(300) visibleWhen?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() position?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

class TemplateBodyDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiProperty() @IsString() @MaxLength(50) type!: string;
  @ApiProperty() @IsString() @MaxLength(2000) subject!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100_000) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) serviceId?: string;
  @ApiPropertyOptional({ description: 'Work group by name' }) @IsOptional() @IsString() @MaxLength(200) group?: string;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) impact?: number;
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) urgency?: number;
  @ApiPropertyOptional({ description: 'Comma-separated' }) @IsOptional() @IsString() @MaxLength(2000) tags?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

class ScheduleBodyDto {
  @ApiProperty({ description: 'Requester login' }) @IsString() @MaxLength(200) requester!: string;
  @ApiProperty({ example: '0 9 * * 1' }) @IsString() @MaxLength(200) cron!: string;
  @ApiProperty({ example: 'Europe/Moscow' }) @IsString() @MaxLength(100) timeZone!: string;
}

class ReplyTemplateBodyDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiProperty({ description: 'Text with {{ticket.ref}}, {{requester.name}} … placeholders' }) @IsString() @MaxLength(200_000) body!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() shared?: boolean;
}

class SignatureBodyDto {
  @ApiProperty() @IsString() @MaxLength(20_000) signature!: string;
}

class SavedFilterBodyDto {
  @ApiProperty() @IsString() @MaxLength(2000) name!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() shared?: boolean;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'queue, sort, q, status, priority, tag, service, type, requester' }) @IsObject() params!: Record<string, string>;
}

/** /api/v1/ticket-setup: custom fields and ticket templates with their schedules (administrators). */
@ApiV1Controller('ticket-setup', 'ticket setup')
export class TicketSetupApiController {
  constructor(
    private readonly fields: CustomFieldsService,
    private readonly templates: TicketTemplatesService,
  ) {}

  @Get('fields')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:read')
  @ApiOperation({ summary: 'Custom fields of tickets, in form order' })
  @ApiOkResponse({ description: 'The field definitions' })
  listFields() {
    return this.fields.list(false);
  }

  @Post('fields')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Define a custom field' })
  @ApiCreatedResponse({ description: 'The new field' })
  async createField(@Body() body: FieldBodyDto) {
    return this.fields.get(await this.fields.create(body));
  }

  @Post('fields/:id')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Change a custom field (every field)' })
  @ApiCreatedResponse({ description: 'The field as changed' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async updateField(@Param('id') id: string, @Body() body: FieldBodyDto) {
    await this.fields.update(id, body);
    return this.fields.get(id);
  }

  @Get('templates')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:read')
  @ApiOperation({ summary: 'Ticket templates' })
  @ApiOkResponse({ description: 'The templates' })
  listTemplates() {
    return this.templates.list(false);
  }

  @Post('templates')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Add a ticket template' })
  @ApiCreatedResponse({ description: 'The new template' })
  async createTemplate(@Body() body: TemplateBodyDto) {
    return this.templates.get(await this.templates.create(body));
  }

  @Get('schedules')
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:read')
  @ApiOperation({ summary: 'Recurring ticket schedules, soonest first' })
  @ApiOkResponse({ description: 'The schedules' })
  listSchedules() {
    return this.templates.schedules();
  }

  @Post('templates/:id/schedules')
  @HttpCode(204)
  @RequirePermission('admin.catalogue.manage')
  @RequireScope('services:write')
  @ApiOperation({ summary: 'Schedule a template by cron in a time zone' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async schedule(@Req() req: Request, @Param('id') id: string, @Body() body: ScheduleBodyDto): Promise<void> {
    await this.templates.addSchedule(req.actor!, id, body);
  }
}

/** /api/v1/my: an agent's own reply templates, signature and saved views. */
@ApiV1Controller('my', 'tickets')
export class MyTicketToolsApiController {
  constructor(
    private readonly conversation: ConversationService,
    private readonly saved: SavedFiltersService,
  ) {}

  @Get('reply-templates')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: "One's own and shared reply templates" })
  @ApiOkResponse({ description: 'The templates' })
  replyTemplates(@Req() req: Request) {
    return this.conversation.templates(req.actor!);
  }

  @Post('reply-templates')
  @HttpCode(204)
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Add a reply template' })
  @ApiNoContentResponse()
  async addReplyTemplate(@Req() req: Request, @Body() body: ReplyTemplateBodyDto): Promise<void> {
    await this.conversation.addTemplate(req.actor!, body);
  }

  @Post('signature')
  @HttpCode(204)
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: "Set one's signature (empty removes it)" })
  @ApiNoContentResponse()
  async signature(@Req() req: Request, @Body() body: SignatureBodyDto): Promise<void> {
    await this.conversation.setSignature(req.actor!, body.signature);
  }

  @Get('saved-filters')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: "One's own and shared saved views of the ticket list" })
  @ApiOkResponse({ description: 'The saved views' })
  savedFilters(@Req() req: Request) {
    return this.saved.list(req.actor!);
  }

  @Post('saved-filters')
  @HttpCode(204)
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Save a view of the ticket list' })
  @ApiNoContentResponse()
  async saveFilter(@Req() req: Request, @Body() body: SavedFilterBodyDto): Promise<void> {
    await this.saved.save(req.actor!, body);
  }
}
