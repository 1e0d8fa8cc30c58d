import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { DomainError, NotFoundError } from '../../kernel/web/domain-error';
import { WorkGroupService } from '../../identity/groups/work-group.service';
import { UserRepository } from '../../identity/user.repository';
import { CatalogueService } from '../../catalogue/catalogue.service';
import { isKnownTimeZone } from '../../identity/profile.service';
import { CHANNELS, isTicketType, TICKET_TYPES, type TicketType } from '../ticket-types';
import { RoutingRuleRepository, type StoredRule } from './routing-rule.repository';
import { minutesOf, type RuleActions, type RuleConditions } from './routing-rules';

/** A rule as the admin form and the API send it: names and logins, lists as text or arrays. */
export interface RuleForm {
  name: string;
  active?: boolean;
  stop?: boolean;
  channels?: string[];
  types?: string[];
  serviceIds?: string[];
  organisationIds?: string[];
  /** Comma- or line-separated lists. */
  mailboxes?: string;
  senders?: string;
  keywords?: string;
  hashtags?: string;
  categories?: string;
  timeFrom?: string;
  timeTo?: string;
  timeZone?: string;
  days?: string[];
  /** Actions: a work group by name, people by login, tags as a list. */
  group?: string;
  assignee?: string;
  priority?: string | number;
  setType?: string;
  tags?: string;
  watchers?: string;
}

const MAX_LIST = 200;

/**
 * Keeps the routing rules: turns the form's names into the ids a rule stores (refusing unknown
 * ones beside their field) and back for editing, and keeps their order.
 */
@Injectable()
export class RoutingRuleService {
  constructor(
    private readonly rules: RoutingRuleRepository,
    private readonly groups: WorkGroupService,
    private readonly users: UserRepository,
    private readonly catalogue: CatalogueService,
    private readonly uow: UnitOfWork,
  ) {}

  list(): Promise<StoredRule[]> {
    return this.rules.all(false);
  }

  async get(id: string): Promise<StoredRule> {
    const rule = await this.rules.find(id);
    if (!rule) throw new NotFoundError();
    return rule;
  }

  async create(form: RuleForm): Promise<string> {
    return this.rules.insert(await this.parse(form));
  }

  async update(id: string, form: RuleForm): Promise<void> {
    await this.get(id);
    await this.rules.update(id, await this.parse(form));
  }

  async move(id: string, direction: -1 | 1): Promise<void> {
    await this.get(id);
    await this.uow.transaction(() => this.rules.move(id, direction));
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.rules.remove(id);
  }

  /** A stored rule as the form shows it again (ids back to names and logins). */
  async formOf(rule: StoredRule): Promise<RuleForm> {
    const { conditions: c, actions: a } = rule;
    const login = async (id: string) => (await this.users.findById(id))?.username ?? '';
    const groupName = a.groupId ? ((await this.groups.nameOf(a.groupId)) ?? '') : '';
    return {
      name: rule.name,
      active: rule.active,
      stop: rule.stop,
      channels: c.channels ?? [],
      types: c.types ?? [],
      serviceIds: c.serviceIds ?? [],
      organisationIds: c.organisationIds ?? [],
      mailboxes: (c.mailboxes ?? []).join(', '),
      senders: (c.senders ?? []).join(', '),
      keywords: (c.keywords ?? []).join('\n'),
      hashtags: (c.hashtags ?? []).map((tag) => `#${tag}`).join(' '),
      categories: (c.categories ?? []).join(', '),
      timeFrom: c.time?.from ?? '',
      timeTo: c.time?.to ?? '',
      timeZone: c.time?.timeZone ?? '',
      days: (c.time?.days ?? []).map(String),
      group: groupName,
      assignee: a.assigneeId ? await login(a.assigneeId) : '',
      priority: a.priority ? String(a.priority) : '',
      setType: a.type ?? '',
      tags: (a.tags ?? []).join(', '),
      watchers: (await Promise.all((a.watcherIds ?? []).map(login))).filter(Boolean).join(', '),
    };
  }

  private async parse(form: RuleForm): Promise<{ name: string; active: boolean; stop: boolean; conditions: RuleConditions; actions: RuleActions }> {
    const name = (form.name ?? '').replace(/\s+/g, ' ').trim();
    if (!name) throw refusal('validation.required', 'name');
    if ([...name].length > 200) throw refusal('validation.too_long', 'name', { count: 200 });
    const conditions: RuleConditions = {};
    const put = <K extends keyof RuleConditions>(key: K, value: RuleConditions[K] | undefined) => {
      if (value !== undefined && (!Array.isArray(value) || value.length > 0)) conditions[key] = value;
    };
    put('channels', checked(form.channels, CHANNELS, 'channels'));
    put('types', checked(form.types, TICKET_TYPES, 'types') as TicketType[] | undefined);
    const services = await this.catalogue.all();
    put('serviceIds', checked(form.serviceIds, services.map((service) => service.id), 'serviceIds'));
    const organisations = (await this.catalogue.audienceChoices()).organisations;
    put('organisationIds', checked(form.organisationIds, organisations.map((org) => org.id), 'organisationIds'));
    put('mailboxes', listOf(form.mailboxes, 'mailboxes'));
    put('senders', listOf(form.senders, 'senders'));
    put('keywords', listOf(form.keywords, 'keywords', /[\n,]/));
    put('hashtags', listOf(form.hashtags, 'hashtags', /[\s,]+/)?.map((tag) => tag.replace(/^#+/, '').toLocaleLowerCase('und')).filter(Boolean));
    put('categories', listOf(form.categories, 'categories'));
    put('time', timeWindow(form));

    const actions: RuleActions = {};
    if (form.group?.trim()) {
      const groupId = await this.groups.activeGroupId(form.group.trim());
      if (!groupId) throw refusal('people.errors.group_unknown', 'group', { name: form.group.trim() });
      actions.groupId = groupId;
    }
    if (form.assignee?.trim()) actions.assigneeId = await this.personId(form.assignee.trim(), 'assignee');
    if (form.priority !== undefined && String(form.priority).trim() !== '') {
      const priority = Number(form.priority);
      if (!Number.isInteger(priority) || priority < 1 || priority > 5) throw refusal('routing.errors.priority', 'priority');
      actions.priority = priority;
    }
    if (form.setType?.trim()) {
      if (!isTicketType(form.setType.trim())) throw refusal('tickets.errors.type', 'setType');
      actions.type = form.setType.trim() as TicketType;
    }
    const tags = listOf(form.tags, 'tags')?.map((tag) => tag.toLocaleLowerCase('und').slice(0, 50));
    if (tags?.length) actions.tags = [...new Set(tags)];
    const watchers = listOf(form.watchers, 'watchers');
    if (watchers?.length) actions.watcherIds = [...new Set(await Promise.all(watchers.map((login) => this.personId(login, 'watchers'))))];
    if (Object.keys(actions).length === 0) throw refusal('routing.errors.no_action', 'group');
    return { name, active: form.active ?? false, stop: form.stop ?? false, conditions, actions };
  }

  private async personId(login: string, field: string): Promise<string> {
    const user = await this.users.findByUsername(login);
    if (!user?.active) throw refusal('tickets.errors.person_unknown', field, { name: login });
    return user.id;
  }
}

function refusal(key: string, field: string, vars: Record<string, unknown> = {}): DomainError {
  return new DomainError('routing_rule_invalid', key, 400, { ...vars, field });
}

/** Ticked values, each one of the offered ones. */
function checked(values: string[] | undefined, allowed: readonly string[], field: string): string[] | undefined {
  if (!values?.length) return undefined;
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length) throw refusal('routing.errors.unknown_choice', field);
  return [...new Set(values)];
}

/** A typed list: split, trimmed, blanks dropped, each entry and the count bounded. */
function listOf(text: string | undefined, field: string, separator: RegExp = /[\n,;]+/): string[] | undefined {
  const items = (text ?? '').split(separator).map((item) => item.trim()).filter(Boolean);
  if (items.length > MAX_LIST || items.some((item) => item.length > 200)) throw refusal('routing.errors.list_too_long', field, { count: MAX_LIST });
  return items.length ? items : undefined;
}

function timeWindow(form: RuleForm): RuleConditions['time'] {
  const from = form.timeFrom?.trim() ?? '';
  const to = form.timeTo?.trim() ?? '';
  if (!from && !to) return undefined;
  for (const [value, field] of [[from, 'timeFrom'], [to, 'timeTo']] as const) {
    try {
      minutesOf(value);
    } catch {
      throw refusal('routing.errors.time', field);
    }
  }
  const timeZone = form.timeZone?.trim() || 'UTC';
  if (!isKnownTimeZone(timeZone)) throw refusal('routing.errors.time_zone', 'timeZone');
  const days = (form.days ?? []).map(Number);
  if (days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)) throw refusal('routing.errors.unknown_choice', 'days');
  return { from, to, timeZone, ...(days.length ? { days: [...new Set(days)].sort() } : {}) };
}
