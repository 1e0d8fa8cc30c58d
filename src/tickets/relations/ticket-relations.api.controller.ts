import { Body, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../../identity/tokens/api-scope';
import { TicketDetailDto } from '../ticket.api.controller';
import { TicketService } from '../ticket.service';
import { LinkDto, MergeDto, SplitDto } from './ticket-relations.dto';
import { TicketRelationsService } from './ticket-relations.service';

/** /api/v1/tickets/{ref}/…: link, merge and split, with the pages' rules. */
@ApiV1Controller('tickets', 'tickets')
export class TicketRelationsApiController {
  constructor(
    private readonly relations: TicketRelationsService,
    private readonly tickets: TicketService,
  ) {}

  @Post(':ref/links')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Link the ticket to another as related' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async link(@Req() req: Request, @Param('ref') ref: string, @Body() body: LinkDto): Promise<TicketDetailDto> {
    await this.relations.link(req.actor!, ref, body.other, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post(':ref/merge')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Merge this ticket (a duplicate) into another; answers with the ticket that carries on' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async merge(@Req() req: Request, @Param('ref') ref: string, @Body() body: MergeDto): Promise<TicketDetailDto> {
    await this.relations.merge(req.actor!, ref, body.into, body.version, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, body.into.trim()));
  }

  @Post(':ref/messages/:messageId/split')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Split a message off into a new ticket; answers with the new ticket' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async split(@Req() req: Request, @Param('ref') ref: string, @Param('messageId') messageId: string, @Body() body: SplitDto): Promise<TicketDetailDto> {
    const created = await this.relations.split(req.actor!, ref, messageId, body.subject, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, created));
  }
}
