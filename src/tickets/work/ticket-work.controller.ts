import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { TicketPage } from '../ticket-page';
import { EscalateDto, HandOverDto, TransferDto, WorkLogDto } from './ticket-work.dto';
import { TicketWorkService } from './ticket-work.service';

/** The ticket page's hand-off actions (transfer, escalate, contractor) and the work log. */
@Controller('tickets')
export class TicketWorkController {
  constructor(
    private readonly work: TicketWorkService,
    private readonly page: TicketPage,
  ) {}

  @Post(':ref/transfer')
  @RequirePermission('tickets.work')
  async transfer(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: TransferDto) {
    await this.page.act(req, res, ref, { transferGroup: body.group, transferReason: body.reason }, async () => {
      await this.work.transfer(req.actor!, ref, body, 'web');
      return this.page.afterHandOff(req, ref);
    }, 'tickets.transferred');
  }

  @Post(':ref/escalate')
  @RequirePermission('tickets.work')
  async escalate(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: EscalateDto) {
    await this.page.act(req, res, ref, { escalateReason: body.reason }, async () => {
      await this.work.escalate(req.actor!, ref, body, 'web');
      return this.page.afterHandOff(req, ref);
    }, 'tickets.escalated');
  }

  @Post(':ref/handover')
  @RequirePermission('tickets.work')
  async handOver(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: HandOverDto) {
    await this.page.act(req, res, ref, { contractor: body.contractor, contractRef: body.contractRef, handoverReason: body.reason }, () => this.work.handOver(req.actor!, ref, body, 'web'), 'tickets.handed_over');
  }

  @Post(':ref/work')
  @RequirePermission('tickets.work')
  async logWork(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: WorkLogDto) {
    await this.page.act(req, res, ref, { time: body.time, workedOn: body.workedOn, workNote: body.note }, () => this.work.logWork(req.actor!, ref, body, 'web'), 'tickets.work_logged');
  }
}
