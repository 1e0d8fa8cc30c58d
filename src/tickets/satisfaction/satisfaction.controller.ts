import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiProperty, ApiPropertyOptional, ApiCreatedResponse, ApiNotFoundResponse, ApiOperation } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { RequirePermission } from '../../kernel/security/permissions';
import { ApiErrorDto } from '../../kernel/web/openapi';
import { ApiV1Controller, RequireScope } from '../../identity/tokens/api-scope';
import { TicketPage } from '../ticket-page';
import { TicketDetailDto } from '../ticket.api.controller';
import { TicketService } from '../ticket.service';
import { SatisfactionService } from './satisfaction.service';

export class AcceptDto {
  @ApiProperty({ minimum: 1, maximum: 5 }) @Type(() => Number) @IsInt() @Min(1) @Max(5) score!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) comment?: string;
  @IsOptional() @IsString() _csrf?: string;
}

export class RejectDto {
  @ApiProperty({ description: 'Why the problem is not solved' }) @IsString() @MaxLength(50_000) reason!: string;
  @IsOptional() @IsString() _csrf?: string;
}

/** The requester's answer to a resolution, on the ticket page. */
@Controller('tickets')
export class SatisfactionController {
  constructor(
    private readonly satisfaction: SatisfactionService,
    private readonly page: TicketPage,
  ) {}

  @Post(':ref/accept')
  @RequirePermission('tickets.view')
  async accept(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: AcceptDto) {
    await this.page.act(req, res, ref, { comment: body.comment }, () => this.satisfaction.accept(req.actor!, ref, body, 'web'), 'satisfaction.thanks');
  }

  @Post(':ref/reject')
  @RequirePermission('tickets.view')
  async reject(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: RejectDto) {
    await this.page.act(req, res, ref, { reason: body.reason }, () => this.satisfaction.reject(req.actor!, ref, body, 'web'), 'satisfaction.reopened');
  }
}

/** /api/v1/tickets/{ref}/accept and /reject: the same answer through the API. */
@ApiV1Controller('tickets', 'tickets')
export class SatisfactionApiController {
  constructor(
    private readonly satisfaction: SatisfactionService,
    private readonly tickets: TicketService,
  ) {}

  @Post(':ref/accept')
  @RequirePermission('tickets.view')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'The requester accepts the resolution and rates it (1–5); the ticket closes' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async accept(@Req() req: Request, @Param('ref') ref: string, @Body() body: AcceptDto): Promise<TicketDetailDto> {
    await this.satisfaction.accept(req.actor!, ref, body, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }

  @Post(':ref/reject')
  @RequirePermission('tickets.view')
  @RequireScope('tickets:write')
  @ApiOperation({ summary: 'The requester rejects the resolution with a reason; the ticket reopens and the assignee is told' })
  @ApiCreatedResponse({ type: TicketDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto })
  async reject(@Req() req: Request, @Param('ref') ref: string, @Body() body: RejectDto): Promise<TicketDetailDto> {
    await this.satisfaction.reject(req.actor!, ref, body, 'api');
    return TicketDetailDto.fromView(await this.tickets.view(req.actor!, ref));
  }
}
