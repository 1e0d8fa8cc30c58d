import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../../kernel/database/unit-of-work';
import { SettingsMemo } from '../../kernel/database/settings-memo';
import type { RoutingRule, RuleActions, RuleConditions } from './routing-rules';

export interface StoredRule extends RoutingRule {
  position: number;
  active: boolean;
}

const COLUMNS = `id, name, position, active, conditions, actions, stop`;
/** Rules are a short admin-kept list; reading it whole (capped) for every new ticket is cheap. */
const CAP = 500;

/** The only place that queries routing rules and ticket watchers. */
@Injectable()
export class RoutingRuleRepository {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly settings: SettingsMemo,
  ) {}

  private query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.uow.manager().query(sql, params);
  }

  all(activeOnly: boolean): Promise<StoredRule[]> {
    const load = () => this.query<StoredRule>(`SELECT ${COLUMNS} FROM routing_rules ${activeOnly ? 'WHERE active' : ''} ORDER BY position, id LIMIT ${CAP}`);
    return activeOnly ? this.settings.read('routing-rules', load) : load();
  }

  async find(id: string): Promise<StoredRule | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    const [row] = await this.query<StoredRule>(`SELECT ${COLUMNS} FROM routing_rules WHERE id = $1`, [id]);
    return row ?? null;
  }

  async insert(rule: { name: string; active: boolean; stop: boolean; conditions: RuleConditions; actions: RuleActions }): Promise<string> {
    const [row] = await this.query<{ id: string }>(
      `INSERT INTO routing_rules (name, position, active, stop, conditions, actions)
       VALUES ($1, (SELECT coalesce(max(position), 0) + 1 FROM routing_rules), $2, $3, $4, $5) RETURNING id`,
      [rule.name, rule.active, rule.stop, rule.conditions, rule.actions],
    );
    return row!.id;
  }

  async update(id: string, rule: { name: string; active: boolean; stop: boolean; conditions: RuleConditions; actions: RuleActions }): Promise<void> {
    await this.query(
      `WITH changed AS (UPDATE routing_rules SET name = $2, active = $3, stop = $4, conditions = $5, actions = $6, updated_at = now() WHERE id = $1 RETURNING id) SELECT id FROM changed`,
      [id, rule.name, rule.active, rule.stop, rule.conditions, rule.actions],
    );
  }

  /** Swaps the rule with its neighbour above (-1) or below (+1); nothing at either end. */
  async move(id: string, direction: -1 | 1): Promise<void> {
    await this.query(`SELECT id FROM routing_rules ORDER BY position FOR UPDATE`);
    const rules = await this.all(false);
    const index = rules.findIndex((rule) => rule.id === id);
    const other = rules[index + direction];
    if (index < 0 || !other) return;
    const rule = rules[index]!;
    await this.query(
      `WITH changed AS (UPDATE routing_rules SET position = CASE id WHEN $1::uuid THEN $3::int ELSE $4::int END WHERE id IN ($1, $2) RETURNING id) SELECT id FROM changed`,
      [rule.id, other.id, other.position, rule.position],
    );
  }

  async remove(id: string): Promise<void> {
    await this.query(`WITH gone AS (DELETE FROM routing_rules WHERE id = $1 RETURNING id) SELECT id FROM gone`, [id]);
  }

  async addWatchers(ticketId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.query(
      `INSERT INTO ticket_watchers (ticket_id, user_id) SELECT $1, u.id FROM users u WHERE u.id = ANY ($2::uuid[]) AND u.active ON CONFLICT DO NOTHING`,
      [ticketId, userIds],
    );
  }
}
