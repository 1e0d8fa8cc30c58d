import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { actorCan, RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { NOTIFY_CHANNELS, NOTIFY_EVENTS, RECIPIENT_ROLES } from './notification-plan';
import type { NotificationRow } from './notification.repository';
import { cellKey, NotificationService } from './notification.service';

/** The ticked boxes of a matrix form: `cell` repeated, or once, or absent. */
function tickedCells(body: Record<string, unknown>): Set<string> {
  const raw = body.cell;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return new Set(list.filter((value): value is string => typeof value === 'string' && value.length <= 100));
}

/**
 * The bell: one's notifications (opening one reads it and goes to its ticket; opening the ticket
 * reads them too), "all read", the poll the open page uses for the badge and for browser
 * notifications, and one's preferences: which events reach one on which channel.
 */
@Controller('notifications')
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly pages: PageService,
    private readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('tickets.view')
  async list(@Req() req: Request, @Res() res: Response, @Query('cursor') cursor?: string) {
    const page = await this.notifications.page(req.actor!, typeof cursor === 'string' ? cursor : undefined);
    const model = await this.pages.model(req, { titleKey: 'notifications.title' }, {
      rows: page.rows.map((row) => ({ ...row, text: this.describe(req.lang, row) })),
      next: page.next ? `/notifications?cursor=${page.next}` : null,
      first: cursor ? '/notifications' : null,
    });
    res.render('notifications/list', model);
  }

  @Get('poll')
  @RequirePermission('tickets.view')
  async poll(@Req() req: Request, @Query('since') since?: string) {
    // The first poll only learns the server's clock; later ones ask for what came after it.
    const now = new Date();
    const from = typeof since === 'string' && !Number.isNaN(Date.parse(since)) ? new Date(since) : now;
    const { count, fresh } = await this.notifications.poll(req.actor!, from);
    return {
      count,
      now: fresh[0]?.createdAt ?? (from < now ? from : now),
      title: this.i18n.t(req.lang, 'notifications.browser_title'),
      fresh: fresh.map((row) => ({ id: row.id, text: this.describe(req.lang, row), url: `/notifications/${row.id}`, at: row.createdAt })),
    };
  }

  @Get('settings')
  @RequirePermission('tickets.view')
  async settings(@Req() req: Request, @Res() res: Response) {
    const muted = await this.notifications.mutes(req.actor!);
    const staff = actorCan(req.actor!, 'tickets.work');
    const model = await this.pages.model(req, { titleKey: 'notifications.settings_title' }, {
      channels: NOTIFY_CHANNELS,
      events: NOTIFY_EVENTS.filter((event) => staff || !['noted', 'mentioned', 'assigned'].includes(event)).map((event) => ({
        event,
        cells: NOTIFY_CHANNELS.map((channel) => ({ value: `${event}:${channel}`, channel, checked: !muted.has(`${event}:${channel}`) })),
      })),
    });
    res.render('notifications/settings', model);
  }

  @Post('settings')
  @RequirePermission('tickets.view')
  async saveSettings(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    await this.notifications.savePreferences(req.actor!, tickedCells(body));
    this.pages.flash(req, 'success', 'notifications.settings_saved');
    res.redirect(303, '/notifications/settings');
  }

  @Post('read-all')
  @RequirePermission('tickets.view')
  async readAll(@Req() req: Request, @Res() res: Response) {
    await this.notifications.readAll(req.actor!);
    res.redirect(303, '/notifications');
  }

  /** Opening an entry marks it read and follows it to its ticket (the portal's page for requesters). */
  @Get(':id')
  @RequirePermission('tickets.view')
  async open(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const row = await this.notifications.open(req.actor!, id);
    if (!row?.data.ref) return res.redirect(303, '/notifications');
    res.redirect(303, actorCan(req.actor!, 'tickets.work') ? `/tickets/${row.data.ref}` : `/portal/requests/${row.data.ref}`);
  }

  private describe(lang: string, row: NotificationRow): string {
    const status = row.data.status ? this.i18n.t(lang, `tickets.statuses.${row.data.status}`) : '';
    return this.i18n.t(lang, `notifications.events.${row.event}`, { actor: row.actorName ?? this.i18n.t(lang, 'tickets.system'), ref: row.data.ref ?? '', subject: row.data.subject ?? '', status });
  }
}

/** Administration → Notifications: the event × role × channel matrix in force, as checkboxes. */
@Controller('admin/notifications')
export class NotificationRulesController {
  constructor(
    private readonly notifications: NotificationService,
    private readonly pages: PageService,
  ) {}

  @Get()
  @RequirePermission('admin.notifications.manage')
  async show(@Req() req: Request, @Res() res: Response) {
    const matrix = await this.notifications.matrix();
    const model = await this.pages.model(req, { titleKey: 'notifications.rules_title' }, {
      roles: RECIPIENT_ROLES,
      channels: NOTIFY_CHANNELS,
      events: NOTIFY_EVENTS.map((event) => ({
        event,
        roles: RECIPIENT_ROLES.map((role) => ({ role, cells: NOTIFY_CHANNELS.map((channel) => ({ value: cellKey(event, role, channel), channel, checked: matrix[event][role].has(channel) })) })),
      })),
    });
    res.render('admin/notifications', model);
  }

  @Post()
  @RequirePermission('admin.notifications.manage')
  async save(@Req() req: Request, @Res() res: Response, @Body() body: Record<string, unknown>) {
    await this.notifications.saveMatrix(tickedCells(body));
    this.pages.flash(req, 'success', 'notifications.rules_saved');
    res.redirect(303, '/admin/notifications');
  }
}
