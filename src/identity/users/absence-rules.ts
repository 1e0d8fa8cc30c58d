import { type CalendarDay, nextDay, parseDay, startOfDay } from '../../kernel/i18n/calendar-day';
import { DomainError } from '../../kernel/web/domain-error';
import { fieldError, withoutControls } from '../organisations/named-records';

export const ABSENCE_KINDS = ['vacation', 'sick_leave', 'other'] as const;
export type AbsenceKind = (typeof ABSENCE_KINDS)[number];

/** The longest absence one entry may cover; longer leave is entered as several. */
export const MAX_ABSENCE_DAYS = 366;
export const MAX_NOTE = 500;

/** An absence as typed: whole calendar days, both included, in the person's time zone. */
export interface AbsenceForm {
  kind: string;
  from: string;
  to: string;
  note?: string;
}

/** An absence as stored: from the first instant of the first day to the first instant after the last. */
export interface AbsencePeriod {
  kind: AbsenceKind;
  startsAt: Date;
  endsAt: Date;
  note: string;
}

function day(text: string, field: 'from' | 'to'): CalendarDay {
  const parsed = parseDay(text.trim());
  if (!parsed) throw fieldError('absence_day_invalid', 'absences.errors.day_invalid', field);
  return parsed;
}

/** Checks a typed absence and turns its days into instants in `timeZone`. */
export function absencePeriod(form: AbsenceForm, timeZone: string): AbsencePeriod {
  if (!(ABSENCE_KINDS as readonly string[]).includes(form.kind)) throw fieldError('absence_kind_invalid', 'absences.errors.kind_invalid', 'kind');
  const from = day(form.from, 'from');
  const to = day(form.to, 'to');
  const startsAt = startOfDay(from, timeZone);
  const endsAt = startOfDay(nextDay(to), timeZone);
  if (endsAt <= startsAt) throw fieldError('absence_order', 'absences.errors.order', 'to');
  if (endsAt.getTime() - startsAt.getTime() > (MAX_ABSENCE_DAYS + 1) * 86_400_000) {
    throw fieldError('absence_too_long', 'absences.errors.too_long', 'to', 400, { count: MAX_ABSENCE_DAYS });
  }
  const note = withoutControls(form.note ?? '', true).trim();
  if ([...note].length > MAX_NOTE) throw fieldError('absence_note_too_long', 'validation.too_long', 'note', 400, { count: MAX_NOTE });
  return { kind: form.kind as AbsenceKind, startsAt, endsAt, note };
}

/** Whether two periods share any instant (ends are exclusive: back-to-back periods do not). */
export function overlaps(a: { startsAt: Date; endsAt: Date }, b: { startsAt: Date; endsAt: Date }): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/** A substitute must be someone else, and someone who can work. */
export function checkSubstitute(personId: string, substitute: { id: string; active: boolean } | null, typed: string): void {
  if (!substitute) throw fieldError('substitute_unknown', 'absences.errors.substitute_unknown', 'substitute', 400, { name: typed });
  if (substitute.id === personId) throw fieldError('substitute_self', 'absences.errors.substitute_self', 'substitute');
  if (!substitute.active) throw fieldError('substitute_inactive', 'absences.errors.substitute_inactive', 'substitute', 400, { name: typed });
}

export function absenceOverlapError(): DomainError {
  return fieldError('absence_overlap', 'absences.errors.overlap', 'from', 409);
}
