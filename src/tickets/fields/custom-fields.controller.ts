import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsOptional, IsString, MaxLength } from 'class-validator';
import { I18nService } from '../../kernel/i18n/i18n.service';
import { RequirePermission } from '../../kernel/security/permissions';
import { PageService } from '../../kernel/web/page.service';
import { Checkbox, submitForm, type Refusal } from '../../identity/organisations/form-input';
import { CatalogueService } from '../../catalogue/catalogue.service';
import { TICKET_TYPES } from '../ticket-types';
import { FIELD_KINDS } from './custom-fields';
import { CustomFieldsService, type FieldInput } from './custom-fields.service';

export class FieldDto {
  @IsString() @MaxLength(100) key!: string;
  @IsString() @MaxLength(2000) label!: string;
  @IsString() @MaxLength(20) kind!: string;
  @IsOptional() @IsString() @MaxLength(20000) options?: string;
  @IsOptional() @Checkbox() @IsBoolean() required?: boolean;
  @IsOptional() @Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : Array.isArray(value) ? value : [value])) @IsArray() @ArrayMaxSize(10) @IsString({ each: true }) types?: string[];
  @IsOptional() @IsString() @MaxLength(40) serviceId?: string;
  @IsOptional() @IsString() @MaxLength(200) category?: string;
  @IsOptional() @IsString() @MaxLength(300) visibleWhen?: string;
  @IsOptional() @Type(() => Number) @IsInt() position?: number;
  @IsOptional() @Checkbox() @IsBoolean() active?: boolean;
  @IsOptional() @IsString() _csrf?: string;
}

/** Administrators' pages for custom fields of tickets. */
@Controller('admin/fields')
export class CustomFieldsController {
  constructor(
    private readonly fields: CustomFieldsService,
    private readonly catalogue: CatalogueService,
    readonly pages: PageService,
    readonly i18n: I18nService,
  ) {}

  @Get()
  @RequirePermission('admin.catalogue.manage')
  async list(@Req() req: Request, @Res() res: Response) {
    await this.render(req, res, null, { kind: 'text', active: true });
  }

  @Post()
  @RequirePermission('admin.catalogue.manage')
  async create(@Req() req: Request, @Res() res: Response, @Body() body: FieldDto) {
    await this.saving(req, res, null, body, () => this.fields.create(this.input(body)).then(() => undefined));
  }

  @Get(':id')
  @RequirePermission('admin.catalogue.manage')
  async show(@Req() req: Request, @Res() res: Response, @Param('id') id: string) {
    const field = await this.fields.get(id);
    await this.render(req, res, id, {
      ...field,
      options: field.options.join('\n'),
      visibleWhen: field.visibleWhen ? `${field.visibleWhen.field}=${field.visibleWhen.equals}` : '',
      serviceId: field.serviceId ?? '',
      category: field.category ?? '',
    });
  }

  @Post(':id')
  @RequirePermission('admin.catalogue.manage')
  async update(@Req() req: Request, @Res() res: Response, @Param('id') id: string, @Body() body: FieldDto) {
    await this.fields.get(id);
    await this.saving(req, res, id, body, () => this.fields.update(id, this.input(body)));
  }

  private input(body: FieldDto): FieldInput {
    return { ...body, required: body.required ?? false, active: body.active ?? false };
  }

  private async saving(req: Request, res: Response, id: string | null, body: FieldDto, work: () => Promise<void>) {
    await submitForm(req, res, this, async () => (await work(), '/admin/fields'), 'fields.saved', (refusal) => this.render(req, res, id, { ...body }, refusal));
  }

  private async render(req: Request, res: Response, id: string | null, values: Record<string, unknown>, refusal: Refusal = { errors: {} }) {
    const types = (values.types as string[] | undefined) ?? [];
    res.render(
      'admin/fields',
      await this.pages.model(req, { titleKey: 'fields.title', form: { values, ...refusal } }, {
        editing: id,
        fields: id ? [] : await this.fields.list(false),
        kinds: FIELD_KINDS.map((kind) => ({ kind, selected: kind === values.kind })),
        types: TICKET_TYPES.map((type) => ({ type, checked: types.includes(type) })),
        services: (await this.catalogue.all()).map((service) => ({ id: service.id, name: service.name, selected: service.id === values.serviceId })),
      }),
    );
  }
}
