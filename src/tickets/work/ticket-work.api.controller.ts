import { Body, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../../identity/tokens/api-scope';
import { TicketDetailDto } from '../ticket.api.controller';
import { TicketService } from '../ticket.service';
import { EscalateDto, HandOverDto, TransferDto, WorkLogDto } from './ticket-work.dto';
import { TicketWorkService } from './ticket-work.service';

/** /api/v1/tickets/{ref}/…: transfer, escalate, hand over, log work — the pages' rules. */
@ApiV1Controller('tickets', 'tickets')
export class TicketWorkApiController {
  constructor(
    private readonly work: TicketWorkService,
    private readonly tickets: TicketService,
  ) {}

  private async answer(req: Request, ref: string): Promise<TicketDetailDto> {
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post(':ref/transfer')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Transfer to another work group (kept in the transfer chain); the ticket may leave your view' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async transfer(@Req() req: Request, @Param('ref') ref: string, @Body() body: TransferDto): Promise<void> {
    await this.work.transfer(req.actor!, ref, body, 'api');
  }

  @Post(':ref/escalate')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @HttpCode(204)
  @ApiOperation({ summary: "Escalate to the group's next line or to the service owner; the ticket may leave your view" })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async escalate(@Req() req: Request, @Param('ref') ref: string, @Body() body: EscalateDto): Promise<void> {
    await this.work.escalate(req.actor!, ref, body, 'api');
  }

  @Post(':ref/handover')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Hand over to an external contractor (the ticket waits for them)' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async handOver(@Req() req: Request, @Param('ref') ref: string, @Body() body: HandOverDto): Promise<TicketDetailDto> {
    await this.work.handOver(req.actor!, ref, body, 'api');
    return this.answer(req, ref);
  }

  @Post(':ref/work')
  @RequirePermission('tickets.work')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'Log time spent on the ticket' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async logWork(@Req() req: Request, @Param('ref') ref: string, @Body() body: WorkLogDto): Promise<TicketDetailDto> {
    await this.work.logWork(req.actor!, ref, body, 'api');
    return this.answer(req, ref);
  }
}
