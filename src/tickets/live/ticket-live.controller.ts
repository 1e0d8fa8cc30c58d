import { Body, Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { RequirePermission } from '../../kernel/security/permissions';
import { TicketLiveService } from './ticket-live.service';

export class PresenceDto {
  @IsIn(['viewing', 'replying']) activity!: 'viewing' | 'replying';
  @IsOptional() @IsString() _csrf?: string;
}

/** The ticket page's live channel: server-sent events, and the "I am replying" signal. */
@Controller('tickets')
export class TicketLiveController {
  constructor(private readonly live: TicketLiveService) {}

  @Get(':ref/events')
  @RequirePermission('tickets.work')
  async events(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string) {
    await this.live.stream(req.actor!, ref, res);
  }

  @Post(':ref/presence')
  @RequirePermission('tickets.work')
  @HttpCode(204)
  async presence(@Req() req: Request, @Param('ref') ref: string, @Body() body: PresenceDto): Promise<void> {
    await this.live.signal(req.actor!, ref, body.activity);
  }
}
