/*
 * Narrowing a queue by a ticket's fields (status, priority, tag, service, type, requester), as the list's
 * query string and saved views carry them. Pure: reading untrusted input into a filter, the
 * filter back into a query string, and its SQL with bound parameters.
 */

import { isTicketType, type TicketType } from './ticket-types';

export interface TicketFilters {
  status?: string;
  priority?: number;
  tag?: string;
  serviceId?: string;
  type?: TicketType;
  /** One requester's tickets: their history with the desk. */
  requesterId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The filters in a query string (or a saved view); anything malformed is left out, not an error. */
export function filtersFrom(raw: Record<string, unknown>): TicketFilters {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const filters: TicketFilters = {};
  const status = text(raw.status);
  if (/^[a-z_]{1,50}$/.test(status)) filters.status = status;
  const priority = Number(text(raw.priority));
  if (Number.isInteger(priority) && priority >= 1 && priority <= 5) filters.priority = priority;
  const tag = text(raw.tag).toLocaleLowerCase('und');
  if (tag && tag.length <= 50) filters.tag = tag;
  const service = text(raw.service);
  if (UUID.test(service)) filters.serviceId = service;
  const type = text(raw.type);
  if (isTicketType(type)) filters.type = type;
  const requester = text(raw.requester);
  if (UUID.test(requester)) filters.requesterId = requester;
  return filters;
}

/** The filters as query-string pairs (the names filtersFrom reads). */
export function filterParams(filters: TicketFilters): Record<string, string> {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.priority ? { priority: String(filters.priority) } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.serviceId ? { service: filters.serviceId } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.requesterId ? { requester: filters.requesterId } : {}),
  };
}

/** The filters' conditions on `t`; each value a bound parameter. */
export function filterConditions(filters: TicketFilters, param: (value: unknown) => string): string[] {
  const where: string[] = [];
  if (filters.status) where.push(`t.status = ${param(filters.status)}`);
  if (filters.priority) where.push(`t.priority = ${param(filters.priority)}`);
  if (filters.tag) where.push(`t.tags @> ARRAY[${param(filters.tag)}]::text[]`);
  if (filters.serviceId) where.push(`t.service_id = ${param(filters.serviceId)}::uuid`);
  if (filters.type) where.push(`t.type = ${param(filters.type)}`);
  if (filters.requesterId) where.push(`t.requester_id = ${param(filters.requesterId)}::uuid`);
  return where;
}
