import { Body, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiConsumes, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Request, Response } from 'express';
import { RequirePermission } from '../kernel/security/permissions';
import { ApiErrorDto } from '../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../identity/tokens/api-scope';
import type { AttachmentRow } from './attachments/attachment.repository';
import { sendDownload, sentFilesOf } from './attachments/attachment.service';
import { TICKET_TYPES } from './ticket-types';
import { SORTS, type Sort } from './queue-order';
import { filtersFrom } from './ticket-filters';
import { QUEUES, type Queue } from './queues';
import type { TicketRow } from './ticket.repository';
import { TicketService, type TicketView } from './ticket.service';

/** A ticket as the API shows it. */
export class TicketDto {
  @ApiProperty({ example: 'INC-42' }) ref!: string;
  @ApiProperty({ enum: TICKET_TYPES }) type!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ description: 'Sanitized HTML' }) descriptionHtml!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ minimum: 1, maximum: 5 }) priority!: number;
  @ApiProperty({ type: String, nullable: true }) service!: string | null;
  @ApiProperty({ type: String, nullable: true }) component!: string | null;
  @ApiProperty({ type: String, nullable: true }) group!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Custom field values by key' }) custom!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) assignee!: string | null;
  @ApiProperty() requester!: string;
  @ApiProperty({ description: 'Send back when changing the ticket (optimistic locking)' }) version!: number;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;

  static from(row: TicketRow & { ref: string }): TicketDto {
    return Object.assign(new TicketDto(), {
      ref: row.ref,
      type: row.type,
      subject: row.subject,
      descriptionHtml: row.descriptionHtml,
      status: row.status,
      priority: row.priority,
      service: row.serviceName,
      component: row.componentName,
      group: row.groupName,
      custom: row.custom,
      assignee: row.assigneeName,
      requester: row.requesterName,
      version: row.version,
      updatedAt: row.updatedAt,
    });
  }
}

export class TicketAttachmentDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty({ description: 'GET it with the same token to download the file' }) url!: string;

  static from(ref: string, row: AttachmentRow): TicketAttachmentDto {
    return { id: row.id, fileName: row.fileName, sizeBytes: row.sizeBytes, url: `/api/v1/tickets/${ref}/attachments/${row.id}` };
  }
}

export class TicketMessageDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['reply', 'note'] }) kind!: string;
  @ApiProperty({ type: String, nullable: true }) author!: string | null;
  @ApiProperty() bodyHtml!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: [TicketAttachmentDto] }) attachments!: TicketAttachmentDto[];
}

export class TicketDetailDto extends TicketDto {
  @ApiProperty({ type: [TicketMessageDto], description: 'Internal notes only for staff' }) messages!: TicketMessageDto[];
  @ApiProperty({ type: [TicketAttachmentDto], description: 'Files sent with the ticket itself' }) attachments!: TicketAttachmentDto[];

  static fromView(view: TicketView): TicketDetailDto {
    const files = (rows: AttachmentRow[]) => rows.map((row) => TicketAttachmentDto.from(view.ref, row));
    return Object.assign(new TicketDetailDto(), TicketDto.from({ ...view.ticket, ref: view.ref }), {
      messages: view.messages.map((message) => ({ id: message.id, kind: message.kind, author: message.authorName, bodyHtml: message.bodyHtml, createdAt: message.createdAt, attachments: files(message.attachments) })),
      attachments: files(view.attachments),
    });
  }
}

export class TicketPageDto {
  @ApiProperty({ type: [TicketDto] }) items!: TicketDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TicketListQuery {
  @ApiPropertyOptional({ enum: QUEUES, description: 'Requesters: all (their own requests) or starred' }) @IsOptional() @IsIn(QUEUES) queue?: Queue;
  @ApiPropertyOptional({ enum: SORTS, description: 'updated (default), created, priority (highest first), due (nearest deadline first)' }) @IsOptional() @IsIn(SORTS) sort?: Sort;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(300) cursor?: string;
  @ApiPropertyOptional({ description: 'Words the ticket must contain (each as a prefix): number, subject, text, replies, requester' }) @IsOptional() @IsString() @MaxLength(200) q?: string;
  @ApiPropertyOptional({ description: 'Status key' }) @IsOptional() @IsString() @MaxLength(50) status?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 5 }) @IsOptional() @IsString() @MaxLength(1) priority?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) tag?: string;
  @ApiPropertyOptional({ description: 'Service id' }) @IsOptional() @IsString() @MaxLength(40) service?: string;
  @ApiPropertyOptional({ enum: TICKET_TYPES }) @IsOptional() @IsString() @MaxLength(40) type?: string;
  @ApiPropertyOptional({ description: "Requester's user id: their history with the desk" }) @IsOptional() @IsString() @MaxLength(40) requester?: string;
}

export class NewTicketBodyDto {
  @ApiProperty({ enum: TICKET_TYPES }) @IsString() @MaxLength(100) type!: string;
  @ApiProperty() @IsString() @MaxLength(2000) subject!: string;
  @ApiPropertyOptional({ description: 'HTML; sanitized on the server' }) @IsOptional() @IsString() @MaxLength(200_000) descriptionHtml?: string;
  @ApiPropertyOptional({ description: 'Login or e-mail of the requester (staff only)' }) @IsOptional() @IsString() @MaxLength(320) requester?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 3 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) impact?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: 3 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) urgency?: number;
  @ApiPropertyOptional({ description: 'Service from the catalogue, by id or name (GET /api/v1/services)' }) @IsOptional() @IsString() @MaxLength(200) service?: string;
  @ApiPropertyOptional({ description: 'Component of that service, by id or name' }) @IsOptional() @IsString() @MaxLength(200) component?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Custom field values by key' }) @IsOptional() @IsObject() custom?: Record<string, unknown>;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) group?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) assignee?: string;
}

export class NewMessageBodyDto {
  @ApiProperty({ enum: ['reply', 'note'] }) @IsIn(['reply', 'note']) kind!: 'reply' | 'note';
  @ApiProperty({ description: 'HTML; sanitized on the server. May be empty when files are sent. @login mentions a colleague.' }) @IsString() @MaxLength(200_000) bodyHtml!: string;
  @ApiPropertyOptional({ description: "Staff's public replies: end with the author's signature" }) @IsOptional() @Type(() => Boolean) @IsBoolean() signature?: boolean;
}

export class StatusBodyDto {
  @ApiProperty() @IsString() @MaxLength(100) status!: string;
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) version!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) resolutionCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) resolutionText?: string;
}

/** /api/v1/tickets: the same rules and visibility as the pages. */
@ApiV1Controller('tickets', 'tickets')
export class TicketApiController {
  constructor(private readonly tickets: TicketService) {}

  @Get()
  @RequirePermission('tickets.view')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: 'A queue of visible tickets, newest activity first' })
  @ApiOkResponse({ type: TicketPageDto })
  async list(@Req() req: Request, @Query() query: TicketListQuery): Promise<TicketPageDto> {
    const page = await this.tickets.list(req.actor!, {
      queue: query.queue ?? 'all',
      ...(query.sort ? { sort: query.sort } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.q ? { search: query.q } : {}),
      filters: filtersFrom({ ...query }),
    });
    return { items: page.rows.map((row) => TicketDto.from(row)), nextCursor: page.next };
  }

  @Get(':ref')
  @RequirePermission('tickets.view')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: 'One ticket with its conversation' })
  @ApiOkResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'No such ticket, or not one the caller may see' })
  async view(@Req() req: Request, @Param('ref') ref: string): Promise<TicketDetailDto> {
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post()
  @RequirePermission('tickets.create')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Register a ticket', description: 'Send JSON, or multipart/form-data with the same fields plus one `files` part per file.' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiCreatedResponse({ type: TicketDetailDto })
  async create(@Req() req: Request, @Body() body: NewTicketBodyDto): Promise<TicketDetailDto> {
    const ref = await this.tickets.create(req.actor!, body, 'api', sentFilesOf(req));
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post(':ref/messages')
  @RequirePermission('tickets.view')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Add a public reply or (staff) an internal note', description: 'Send JSON, or multipart/form-data with the same fields plus one `files` part per file.' })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async reply(@Req() req: Request, @Param('ref') ref: string, @Body() body: NewMessageBodyDto): Promise<TicketDetailDto> {
    await this.tickets.reply(req.actor!, ref, body, 'api', sentFilesOf(req));
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Get(':ref/attachments/:id')
  @RequirePermission('tickets.view')
  @RequireScope('tickets:read')
  @ApiOperation({ summary: "Download a file of the ticket (served as an attachment, or inline for a real image)" })
  @ApiOkResponse({ description: 'The file' })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async attachment(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('id') id: string): Promise<void> {
    await sendDownload(res, await this.tickets.attachment(req.actor!, ref, id));
  }

  @Post(':ref/status')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Move the ticket along the workflow (resolving needs a resolution code and text)' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async changeStatus(@Req() req: Request, @Param('ref') ref: string, @Body() body: StatusBodyDto): Promise<TicketDetailDto> {
    await this.tickets.changeStatus(req.actor!, ref, body, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }
}
