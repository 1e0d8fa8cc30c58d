import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { RequirePermission } from '../kernel/security/permissions';
import { PageService } from '../kernel/web/page.service';
import { Checkbox, formRefusal } from '../identity/organisations/form-input';
import { SavedFiltersService } from './saved-filters.service';

export class SaveFilterDto {
  @IsString() @MaxLength(2000) filterName!: string;
  @IsOptional() @Checkbox() @IsBoolean() shared?: boolean;
  @IsOptional() @IsString() @MaxLength(50) queue?: string;
  @IsOptional() @IsString() @MaxLength(50) sort?: string;
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @IsString() @MaxLength(50) status?: string;
  @IsOptional() @IsString() @MaxLength(5) priority?: string;
  @IsOptional() @IsString() @MaxLength(50) tag?: string;
  @IsOptional() @IsString() @MaxLength(40) service?: string;
  @IsOptional() @IsString() @MaxLength(40) type?: string;
  @IsOptional() @IsString() @MaxLength(40) requester?: string;
  @IsOptional() @IsString() _csrf?: string;
}

/** Saving the ticket list's current view under a name, and removing saved views. */
@Controller('saved-filters')
export class SavedFiltersController {
  constructor(
    private readonly saved: SavedFiltersService,
    private readonly pages: PageService,
  ) {}

  @Post()
  @RequirePermission('tickets.work')
  async save(@Req() req: Request, @Res() res: Response, @Body() body: SaveFilterDto) {
    const { filterName, shared, _csrf, ...params } = body;
    const back = `/tickets?${new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))}`;
    try {
      await this.saved.save(req.actor!, { name: filterName, shared: shared ?? false, params });
      this.pages.flash(req, 'success', 'tickets.filter_saved');
    } catch (error) {
      if (!formRefusal(error)) throw error;
      this.pages.flash(req, 'error', 'tickets.filter_name_required');
    }
    res.redirect(303, back);
  }

  @Post(':id/delete')
  @RequirePermission('tickets.work')
  async remove(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    await this.saved.remove(req.actor!, id);
    this.pages.flash(req, 'success', 'tickets.filter_deleted');
    res.redirect(303, '/tickets');
  }
}
