import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import type { Actor } from '../../kernel/security/actor';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { WorkGroupService } from '../../identity/groups/work-group.service';
import { UserRepository } from '../../identity/user.repository';
import { isKnownTimeZone } from '../../identity/profile.service';
import { parseTags } from '../ticket-following.service';
import { isTicketType } from '../ticket-types';
import { nextRun } from './schedule';

export interface TicketTemplate {
  id: string;
  name: string;
  type: string;
  subject: string;
  description: string;
  serviceId: string | null;
  groupId: string | null;
  groupName: string | null;
  impact: number;
  urgency: number;
  tags: string[];
  active: boolean;
}

export interface Schedule {
  id: string;
  templateId: string;
  templateName: string;
  requester: string;
  cron: string;
  timeZone: string;
  nextRunAt: Date;
  lastRunAt: Date | null;
  lastRef: string | null;
  lastError: string | null;
  active: boolean;
}

export interface TemplateInput {
  name: string;
  type: string;
  subject: string;
  description?: string;
  serviceId?: string;
  group?: string;
  impact?: number;
  urgency?: number;
  tags?: string;
  active?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEMPLATE_COLUMNS = `t.id, t.name, t.type, t.subject, t.description, t.service_id AS "serviceId", t.group_id AS "groupId", g.name AS "groupName", t.impact, t.urgency, t.tags, t.active`;

/**
 * Ticket templates for frequent requests, and the schedules that register tickets from them by a
 * cron expression. Kept by administrators; the new-ticket form starts from a template, and the
 * recurring job registers scheduled ones.
 */
@Injectable()
export class TicketTemplatesService {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly groups: WorkGroupService,
    private readonly users: UserRepository,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  list(activeOnly: boolean): Promise<TicketTemplate[]> {
    return this.query(`SELECT ${TEMPLATE_COLUMNS} FROM ticket_templates t LEFT JOIN work_groups g ON g.id = t.group_id ${activeOnly ? 'WHERE t.active' : ''} ORDER BY lower(t.name) LIMIT 500`);
  }

  async get(id: string): Promise<TicketTemplate> {
    const [row] = UUID.test(id) ? await this.query<TicketTemplate>(`SELECT ${TEMPLATE_COLUMNS} FROM ticket_templates t LEFT JOIN work_groups g ON g.id = t.group_id WHERE t.id = $1`, [id]) : [];
    if (!row) throw new NotFoundError();
    return row;
  }

  async create(input: TemplateInput): Promise<string> {
    const row = await this.parse(input);
    try {
      const [created] = await this.query<{ id: string }>(
        `INSERT INTO ticket_templates (name, type, subject, description, service_id, group_id, impact, urgency, tags, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
        [row.name, row.type, row.subject, row.description, row.serviceId, row.groupId, row.impact, row.urgency, row.tags, row.active],
      );
      return created!.id;
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') throw new DomainError('name_taken', 'catalogue.errors.name_taken', 409, { field: 'name' });
      throw error;
    }
  }

  schedules(): Promise<Schedule[]> {
    return this.query(
      `SELECT r.id, r.template_id AS "templateId", t.name AS "templateName", u.username AS requester, r.cron, r.time_zone AS "timeZone", r.next_run_at AS "nextRunAt",
              r.last_run_at AS "lastRunAt", r.last_ref AS "lastRef", r.last_error AS "lastError", r.active
         FROM recurring_tickets r JOIN ticket_templates t ON t.id = r.template_id JOIN users u ON u.id = r.requester_id
        ORDER BY r.next_run_at LIMIT 500`,
    );
  }

  /** Schedules a template: who the tickets are for, when (cron, five fields) and in which time zone. */
  async addSchedule(actor: Actor, templateId: string, input: { requester: string; cron: string; timeZone: string }): Promise<void> {
    await this.get(templateId);
    const requester = await this.users.findByUsername((input.requester ?? '').trim());
    if (!requester?.active) throw new DomainError('person_unknown', 'tickets.errors.person_unknown', 400, { field: 'requester', name: (input.requester ?? '').trim() });
    const timeZone = (input.timeZone ?? '').trim() || 'UTC';
    if (!isKnownTimeZone(timeZone)) throw new DomainError('time_zone_unknown', 'profile.errors.time_zone', 400, { field: 'timeZone' });
    const first = nextRun(input.cron ?? '', timeZone, new Date());
    if (!first) throw new DomainError('cron_invalid', 'templates.errors.cron', 400, { field: 'cron' });
    await this.query(`INSERT INTO recurring_tickets (template_id, requester_id, created_by, cron, time_zone, next_run_at) VALUES ($1, $2, $3, $4, $5, $6)`, [
      templateId,
      requester.id,
      actor.id,
      input.cron.trim().replace(/\s+/g, ' '),
      timeZone,
      first,
    ]);
  }

  async removeSchedule(id: string): Promise<void> {
    const rows = UUID.test(id) ? await this.query(`WITH gone AS (DELETE FROM recurring_tickets WHERE id = $1 RETURNING 1) SELECT 1 FROM gone`, [id]) : [];
    if (rows.length === 0) throw new NotFoundError();
  }

  private async parse(input: TemplateInput) {
    const name = (input.name ?? '').replace(/\s+/g, ' ').trim();
    if (!name || [...name].length > 200) throw new DomainError('name_required', 'validation.required', 400, { field: 'name' });
    if (!isTicketType(input.type)) throw new DomainError('type_invalid', 'tickets.errors.type', 400, { field: 'type' });
    const subject = (input.subject ?? '').replace(/\s+/g, ' ').trim();
    if (!subject || [...subject].length > 250) throw new DomainError('subject_required', 'validation.required', 400, { field: 'subject' });
    const serviceId = input.serviceId?.trim() || null;
    if (serviceId && !UUID.test(serviceId)) throw new DomainError('service_unknown', 'catalogue.errors.service_unknown', 400, { field: 'serviceId', name: serviceId });
    const groupId = input.group?.trim() ? await this.groups.activeGroupId(input.group.trim()) : null;
    if (input.group?.trim() && !groupId) throw new DomainError('group_unknown', 'people.errors.group_unknown', 400, { field: 'group', name: input.group.trim() });
    const level = (value: number | undefined) => (value && value >= 1 && value <= 3 ? value : 2);
    return {
      name,
      type: input.type,
      subject,
      description: (input.description ?? '').slice(0, 100_000),
      serviceId,
      groupId,
      impact: level(input.impact),
      urgency: level(input.urgency),
      tags: parseTags(input.tags ?? ''),
      active: input.active ?? true,
    };
  }
}
