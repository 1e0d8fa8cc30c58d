import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '../kernel/database/unit-of-work';
import type { Actor } from '../kernel/security/actor';
import { DomainError, NotFoundError } from '../kernel/web/domain-error';

export interface SavedFilter {
  id: string;
  name: string;
  shared: boolean;
  mine: boolean;
  /** The list's query string, as saved (queue, sort, q and field filters). */
  params: Record<string, string>;
}

const KEYS = ['queue', 'sort', 'q', 'status', 'priority', 'tag', 'service', 'type', 'requester'];

/**
 * Saved views of the ticket list: a name for a queue, sort, search and filters, kept for oneself
 * or shared with all staff. The saved values are only ever read back through the list's own
 * checks, so a view holds nothing the list would not accept from the address bar.
 */
@Injectable()
export class SavedFiltersService {
  constructor(private readonly uow: UnitOfWork) {}

  list(actor: Actor): Promise<SavedFilter[]> {
    return this.uow.manager().query(
      `SELECT id, name, shared, owner_id = $1 AS mine, params FROM saved_filters WHERE owner_id = $1 OR shared ORDER BY lower(name), id LIMIT 200`,
      [actor.id],
    );
  }

  async save(actor: Actor, input: { name: string; shared?: boolean; params: Record<string, unknown> }): Promise<void> {
    const name = (input.name ?? '').replace(/\s+/g, ' ').trim();
    if (!name) throw new DomainError('name_required', 'validation.required', 400, { field: 'filterName' });
    if ([...name].length > 100) throw new DomainError('name_too_long', 'validation.too_long', 400, { field: 'filterName', count: 100 });
    const params = Object.fromEntries(KEYS.flatMap((key) => (typeof input.params[key] === 'string' && input.params[key] !== '' ? [[key, (input.params[key] as string).slice(0, 200)]] : [])));
    await this.uow.manager().query(`INSERT INTO saved_filters (owner_id, name, shared, params) VALUES ($1, $2, $3, $4)`, [actor.id, name, input.shared ?? false, params]);
  }

  /** Only the owner (or an administrator) removes a view. */
  async remove(actor: Actor, id: string): Promise<void> {
    const valid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
    const rows = valid ? await this.uow.manager().query(`WITH gone AS (DELETE FROM saved_filters WHERE id = $1 AND (owner_id = $2 OR $3) RETURNING 1) SELECT 1 FROM gone`, [id, actor.id, actor.isAdmin]) : [];
    if (rows.length === 0) throw new NotFoundError();
  }
}
