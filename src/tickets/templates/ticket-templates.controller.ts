import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { Checkbox, submitForm, type Refusal } from '../../identity/organisations/form-input';
import { knownTimeZones } from '../../identity/profile.service';
import { CatalogueService } from '../../catalogue/catalogue.service';
import { TICKET_TYPES } from '../ticket-types';
import { TicketTemplatesService } from './ticket-templates.service';

export class TemplateDto {
  @IsString() @MaxLength(2000) name!: string;
  @IsString() @MaxLength(50) type!: string;
  @IsString() @MaxLength(2000) subject!: string;
  @IsOptional() @IsString() @MaxLength(100_000) description?: string;
  @IsOptional() @IsString() @MaxLength(40) serviceId?: string;
  @IsOptional() @IsString() @MaxLength(200) group?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) impact?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(3) urgency?: number;
  @IsOptional() @IsString() @MaxLength(2000) tags?: string;
  @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

export class ScheduleDto {
  @IsString() @MaxLength(200) requester!: string;
  @IsString() @MaxLength(200) cron!: string;
  @IsString() @MaxLength(100) timeZone!: string;
  @IsOptional() @IsString() _csrf?: string;
}

/** Administrators' pages for ticket templates and the schedules that register tickets from them. */
@Controller('admin/templates')
export class TicketTemplatesController {
  constructor(
    private readonly templates: TicketTemplatesService,
    private readonly catalogue: CatalogueService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.catalogue.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, { type: 'service_request', impact: '2', urgency: '2', active: true, timeZone: req.actor!.timeZone ?? 'UTC' });
  }

  @Post()
  @RequirePermission('admin.catalogue.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: TemplateDto) {
    await this.saving(req, res, { ...body }, async () => void (await this.templates.create({ ...body, active: body.active ?? false })));
  }

  @Post(':id/schedules')
  @RequirePermission('admin.catalogue.manage')
  async schedule(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: ScheduleDto) {
    await this.saving(req, res, { scheduleFor: id, requester: body.requester, cron: body.cron, timeZone: body.timeZone }, () => this.templates.addSchedule(req.actor!, id, body));
  }

  @Post('schedules/:id/delete')
  @RequirePermission('admin.catalogue.manage')
  async unschedule(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.templates.removeSchedule(id);
    this.pages.flash(req, 'success', 'templates.schedule_deleted');
    res.redirect(303, '/admin/templates');
  }

  private async saving(req: Request, res: Response, typed: Record<string, unknown>, work: () => Promise<void>) {
    await submitForm(req, res, this, async () => (await work(), '/admin/templates'), 'templates.saved', (refusal) => this.render(req, res, typed, refusal));
  }

  private async render(req: Request, res: Response, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const model = await this.pages.model(req, { titleKey: 'templates.title', form: { values, ...refusal } }, {
      templates: await this.templates.list(false),
      schedules: await this.templates.schedules(),
      types: TICKET_TYPES.map((type) => ({ type, selected: type === values.type })),
      services: (await this.catalogue.all()).map((service) => ({ id: service.id, name: service.name, selected: service.id === values.serviceId })),
      levels: [1, 2, 3],
      timeZones: knownTimeZones(),
    });
    res.render('admin/templates', model);
  }
}
