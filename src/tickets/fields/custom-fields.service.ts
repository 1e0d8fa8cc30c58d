import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { SettingsMemo } from '../../kernel/database/settings-memo';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { isTicketType } from '../ticket-types';
import { checkCustom, FIELD_KEY, FIELD_KINDS, type FieldContext, type FieldDefinition, type FieldKind, type FieldValue } from './custom-fields';

export interface StoredField extends FieldDefinition {
  id: string;
  position: number;
  active: boolean;
}

/** A field as the admin form and the API send it. */
export interface FieldInput {
  key: string;
  label: string;
  kind: string;
  /** Choices of a select, one a line (or comma-separated). */
  options?: string;
  required?: boolean;
  types?: string[];
  serviceId?: string;
  category?: string;
  /** "other_key=value": shown only while that field has that value. */
  visibleWhen?: string;
  position?: number;
  active?: boolean;
}

const COLUMNS = `id, key, label, kind, options, required, types, service_id AS "serviceId", category, visible_when AS "visibleWhen", position, active`;

/**
 * Custom fields: administrators define them; registering a ticket checks its values with the pure
 * rules of custom-fields.ts (only fields that apply and are shown, required ones filled in).
 */
@Injectable()
export class CustomFieldsService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: SettingsMemo,
  ) {}

  list(activeOnly: boolean): Promise<StoredField[]> {
    const load = (): Promise<StoredField[]> => this.uow.manager().query(`SELECT ${COLUMNS} FROM custom_fields ${activeOnly ? 'WHERE active' : ''} ORDER BY position, key LIMIT 500`);
    return activeOnly ? this.settings.read('custom-fields', load) : load();
  }

  async get(id: string): Promise<StoredField> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const [row] = valid ? await this.uow.manager().query(`SELECT ${COLUMNS} FROM custom_fields WHERE id = $1`, [id]) : [];
    if (!row) throw new NotFoundError();
    return row as StoredField;
  }

  /** A ticket's values checked against the active fields; the first refusal names its form field. */
  /**
   * The custom values of a new ticket, checked. `requireFilled: false` (mail, which has no form to
   * fill) lets required fields stay empty for staff to fill in; wrong values are still refused.
   */
  async check(context: FieldContext, raw: Record<string, unknown> | undefined, options: { requireFilled?: boolean } = {}): Promise<Record<string, FieldValue>> {
    const fields = await this.list(true);
    if (fields.length === 0) return {};
    const { values, refusals } = checkCustom(fields, context, raw ?? {});
    const first = refusals.find((refusal) => options.requireFilled !== false || refusal.i18nKey !== 'validation.required');
    if (first) throw new DomainError('custom_field_invalid', first.i18nKey, 400, { ...first.vars, field: `custom[${first.key}]` });
    return values;
  }

  async create(input: FieldInput): Promise<string> {
    const row = await this.parse(input);
    return this.unique(async () => {
      const [created] = await this.uow.manager().query(
        `INSERT INTO custom_fields (key, label, kind, options, required, types, service_id, category, visible_when, position, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        [row.key, row.label, row.kind, row.options, row.required, row.types, row.serviceId, row.category, row.visibleWhen, row.position, row.active],
      );
      return (created as { id: string }).id;
    });
  }

  async update(id: string, input: FieldInput): Promise<void> {
    await this.get(id);
    const row = await this.parse(input, id);
    await this.unique(() =>
      this.uow.manager().query(
        `WITH changed AS (UPDATE custom_fields SET key = $2, label = $3, kind = $4, options = $5, required = $6, types = $7, service_id = $8, category = $9, visible_when = $10, position = $11, active = $12 WHERE id = $1 RETURNING id) SELECT id FROM changed`,
        [id, row.key, row.label, row.kind, row.options, row.required, row.types, row.serviceId, row.category, row.visibleWhen, row.position, row.active],
      ),
    );
  }

  private async parse(input: FieldInput, selfId?: string) {
    const key = (input.key ?? '').trim().toLowerCase();
    if (!FIELD_KEY.test(key)) throw refusal('fields.errors.key', 'key');
    const label = (input.label ?? '').replace(/\s+/g, ' ').trim();
    if (!label || [...label].length > 200) throw refusal('validation.required', 'label');
    if (!(FIELD_KINDS as readonly string[]).includes(input.kind)) throw refusal('fields.errors.kind', 'kind');
    const options = [...new Set((input.options ?? '').split(/[\n,]/).map((option) => option.trim()).filter(Boolean))];
    if (input.kind === 'select' && (options.length === 0 || options.length > 100 || options.some((option) => option.length > 200))) throw refusal('fields.errors.options', 'options');
    const types = [...new Set(input.types ?? [])];
    if (types.some((type) => !isTicketType(type))) throw refusal('tickets.errors.type', 'types');
    const serviceId = input.serviceId?.trim() || null;
    if (serviceId && !(await this.uow.manager().query(`SELECT 1 FROM services WHERE id::text = $1`, [serviceId])).length) throw refusal('catalogue.errors.service_unknown', 'serviceId', { name: serviceId });
    let visibleWhen: { field: string; equals: string } | null = null;
    if (input.visibleWhen?.trim()) {
      const [field, ...rest] = input.visibleWhen.split('=');
      const other = field!.trim().toLowerCase();
      const others = await this.list(false);
      if (!rest.length || other === key || !others.some((candidate) => candidate.key === other && candidate.id !== selfId)) throw refusal('fields.errors.visible_when', 'visibleWhen');
      visibleWhen = { field: other, equals: rest.join('=').trim() };
    }
    return {
      key,
      label,
      kind: input.kind as FieldKind,
      options: input.kind === 'select' ? options : [],
      required: input.required ?? false,
      types,
      serviceId,
      category: input.category?.trim() || null,
      visibleWhen,
      position: Number.isInteger(input.position) ? input.position! : 0,
      active: input.active ?? true,
    };
  }

  private async unique<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') throw refusal('fields.errors.key_taken', 'key');
      throw error;
    }
  }
}

function refusal(key: string, field: string, vars: Record<string, unknown> = {}): DomainError {
  return new DomainError('custom_field_definition_invalid', key, 400, { ...vars, field });
}
