import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../kernel/security/permissions';
import { TicketPage } from '../ticket-page';
import { LinkDto, MergeDto, SplitDto } from './ticket-relations.dto';
import { TicketRelationsService } from './ticket-relations.service';

/** The ticket page's relation actions: link, unlink, merge into another, split a message off. */
@Controller('tickets')
export class TicketRelationsController {
  constructor(
    private readonly relations: TicketRelationsService,
    private readonly page: TicketPage,
  ) {}

  @Post(':ref/links')
  @RequirePermission('tickets.work')
  async link(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: LinkDto) {
    await this.page.act(req, res, ref, { other: body.other }, () => this.relations.link(req.actor!, ref, body.other, 'web'), 'tickets.linked');
  }

  @Post(':ref/links/remove')
  @RequirePermission('tickets.work')
  async unlink(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: LinkDto) {
    await this.page.act(req, res, ref, {}, () => this.relations.unlink(req.actor!, ref, body.other, 'web'), 'tickets.unlinked');
  }

  @Post(':ref/merge')
  @RequirePermission('tickets.work')
  async merge(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Body() body: MergeDto) {
    await this.page.act(req, res, ref, { into: body.into }, async () => {
      await this.relations.merge(req.actor!, ref, body.into, body.version, 'web');
      return `/tickets/${encodeURIComponent(body.into.trim().toUpperCase())}`;
    }, 'tickets.merged');
  }

  @Post(':ref/messages/:messageId/split')
  @RequirePermission('tickets.work')
  async split(@Req() req: Request, @Res() res: Response, @Param('ref') ref: string, @Param('messageId') messageId: string, @Body() body: SplitDto) {
    await this.page.act(req, res, ref, { splitSubject: body.subject }, async () => `/tickets/${await this.relations.split(req.actor!, ref, messageId, body.subject, 'web')}`, 'tickets.split_done');
  }
}
