import type { I18nService } from '../i18n/i18n.service';
import { AUDIT_EVENT_GROUPS, eventLabelKey, eventTone, groupAllKey, groupLabelKey } from './audit-events';
import type { AuditRecord } from './audit.repository';

/** A translation, or `fallback` when there is none (an event a newer version or a plugin recorded). */
function translated(i18n: I18nService, lang: string, key: string, fallback: string): string {
  const text = i18n.t(lang, key);
  return text === key ? fallback : text;
}

/** The event filter's choices, grouped as in the catalogue; a group of several has an "all of them" entry. */
export function eventChoices(i18n: I18nService, lang: string, selected: string | undefined) {
  return Object.entries(AUDIT_EVENT_GROUPS).map(([group, events]) => ({
    label: i18n.t(lang, groupLabelKey(group)),
    options: [
      ...(events.length > 1 ? [{ value: group, label: i18n.t(lang, groupAllKey(group)), selected: selected === group }] : []),
      ...events.map((event) => ({ value: event, label: i18n.t(lang, eventLabelKey(event)), selected: selected === event })),
    ],
  }));
}

const MAX_VALUE = 120;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** The details as one line: known keys and reasons in the reader's language, the rest as recorded. */
export function detailsSummary(i18n: I18nService, lang: string, details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => {
      const label = translated(i18n, lang, `audit.detail.${key}`, key);
      const text = key === 'reason' && typeof value === 'string' ? translated(i18n, lang, `audit.reasons.${value}`, value) : shown(value);
      return `${label}: ${text}`;
    })
    .join('; ');
}

/** One row of the table. */
export function auditRow(i18n: I18nService, lang: string, row: AuditRecord) {
  const username = row.actorUsername;
  const name = row.actorDisplayName || username;
  return {
    id: row.id,
    occurredAt: row.occurredAt,
    iso: row.occurredAt.toISOString(),
    event: row.event,
    label: translated(i18n, lang, eventLabelKey(row.event), row.event),
    tone: eventTone(row.event),
    actor: name ? { name, username: username && username !== name ? username : null } : null,
    subject: row.subject,
    ip: row.ip,
    details: detailsSummary(i18n, lang, row.details),
  };
}
