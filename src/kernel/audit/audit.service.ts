import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import type { Actor } from '../security/actor';
import { actorCan } from '../security/permissions';
import { DomainError } from '../web/domain-error';
import { decodeCursor, encodeCursor } from './audit-cursor';
import { type AuditEventName, EVENT_NAME, isAuditEvent, isAuditGroup } from './audit-events';
import { nextDay, parseDay, startOfDay } from '../i18n/calendar-day';
import { type AuditPageQuery, type AuditRecord, AuditRepository } from './audit.repository';

/** What a caller knows about an event besides its name; everything is optional. */
export interface AuditEntry {
  /** Who acted (a user id); null or absent for anonymous attempts and the CLI. */
  actorId?: string | null;
  /** What the event is about: the user name tried at sign-in, a plugin's name. */
  subject?: string | null;
  /** The client's address as the request saw it; `::ffff:` forms are stored as IPv4. */
  ip?: string | null;
  /** Small JSON facts (a reason, a count); not for secrets. */
  details?: Record<string, unknown>;
}

/** Filters of the admin list, with dates already turned into instants. */
export interface AuditFilters {
  /** One event, or a group (`auth.sign_in`) for every event under it. */
  event?: string;
  /** A user name: rows that user acted in, or whose subject is that name (any case). */
  user?: string;
  ip?: string;
  /** From this instant (inclusive). */
  from?: Date;
  /** Up to this instant (exclusive). */
  until?: Date;
}

/** The list's query as typed in the form: dates are calendar days in the viewer's time zone. */
export interface AuditFormQuery {
  event?: string;
  user?: string;
  ip?: string;
  from?: string;
  to?: string;
}

export interface AuditPage {
  rows: AuditRecord[];
  /** Opaque; pass back to get the next (older) page. Null on the last page. */
  nextCursor: string | null;
}

export const AUDIT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const MAX_SUBJECT = 200;
const MAX_DETAILS_BYTES = 8192;

/**
 * The address as stored and matched: IPv4-mapped IPv6 (`::ffff:127.0.0.1`) becomes plain IPv4, an
 * IPv6 zone (`%eth0`) is dropped, anything that is not an address (`unknown`) becomes null.
 */
export function normalizeIp(raw: string | null | undefined): string | null {
  if (typeof raw !== 'string') return null;
  let ip = raw.trim();
  const zone = ip.indexOf('%');
  if (zone >= 0) ip = ip.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) ip = mapped[1]!;
  return isIP(ip) ? ip.toLowerCase() : null;
}

/**
 * The audit log of security events. `record` appends through the unit of work, so an event written
 * inside a transaction commits or rolls back with the change it describes; hook listeners (which
 * run after commit) write their own row. The log has no update or delete: rows stay as written
 * (retention is still to be decided). `page` reads the admin list in keyset pages, newest first.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repo: AuditRepository) {}

  async record(event: AuditEventName, entry: AuditEntry = {}): Promise<void> {
    // The type admits only catalogued names; this guards callers that cast their way past it.
    if (!isAuditEvent(event)) throw new Error(`unknown audit event "${String(event)}"`);
    const details = entry.details ?? {};
    const json = JSON.stringify(details);
    if (typeof details !== 'object' || Array.isArray(details) || Buffer.byteLength(json) > MAX_DETAILS_BYTES) {
      throw new Error(`audit event "${event}": details must be a JSON object under ${MAX_DETAILS_BYTES} bytes`);
    }
    const subject = typeof entry.subject === 'string' ? entry.subject.slice(0, MAX_SUBJECT) : null;
    await this.repo.insert({ event, actorId: entry.actorId ?? null, subject: subject || null, ip: normalizeIp(entry.ip), details });
  }

  /**
   * One page of the list, newest first. `cursor` comes from the previous page's nextCursor; any
   * other text is refused with a 400 rather than read as "from the start".
   */
  async page(viewer: Actor, filters: AuditFilters, cursor?: string, limit = AUDIT_PAGE_SIZE): Promise<AuditPage> {
    if (!actorCan(viewer, 'admin.audit.view')) throw new DomainError('forbidden', 'errors.forbidden', 403);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) throw new RangeError(`page size must be 1..${MAX_PAGE_SIZE}`);
    const after = cursor === undefined || cursor === '' ? undefined : decodeCursor(cursor);
    if (cursor && !after) throw new DomainError('audit_cursor_invalid', 'audit.errors.cursor', 400);
    const query: AuditPageQuery = { limit: limit + 1, after };
    if (filters.event !== undefined) query.event = this.eventFilter(filters.event);
    if (filters.user !== undefined && filters.user.trim() !== '') query.user = filters.user.trim();
    if (filters.ip !== undefined) {
      const ip = normalizeIp(filters.ip);
      if (!ip) throw new DomainError('audit_ip_invalid', 'audit.errors.ip', 400);
      query.ip = ip;
    }
    if (filters.from) query.from = filters.from;
    if (filters.until) query.until = filters.until;
    const rows = await this.repo.page(query);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { rows: shown, nextCursor: rows.length > limit && last ? encodeCursor(last.position) : null };
  }

  /** The form's days as instants: `from` at the start of its day, `to` through the end of its day, in `timeZone`. */
  filtersFromForm(query: AuditFormQuery, timeZone: string): AuditFilters {
    const from = query.from ? parseDay(query.from) : undefined;
    const to = query.to ? parseDay(query.to) : undefined;
    if ((query.from && !from) || (query.to && !to)) throw new DomainError('audit_date_invalid', 'audit.errors.date', 400);
    const filters: AuditFilters = { event: query.event, user: query.user, ip: query.ip };
    if (from) filters.from = startOfDay(from, timeZone);
    if (to) filters.until = startOfDay(nextDay(to), timeZone);
    if (filters.from && filters.until && filters.from >= filters.until) throw new DomainError('audit_range_invalid', 'audit.errors.range', 400);
    return filters;
  }

  private eventFilter(event: string): AuditPageQuery['event'] {
    if (isAuditEvent(event)) return { exact: event };
    if (isAuditGroup(event)) return { group: event };
    // An event recorded by a newer version, or a plugin's: allowed as long as it is a plain name.
    if (EVENT_NAME.test(event) && event.length <= 100) return { exact: event };
    throw new DomainError('audit_event_invalid', 'audit.errors.event', 400);
  }
}
