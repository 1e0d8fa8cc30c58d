import { DomainError } from '../../kernel/web/domain-error';
import { absencePeriod, checkSubstitute, overlaps } from './absence-rules';

function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return `${error.code}:${String(error.vars.field)}`;
    throw error;
  }
  return 'accepted';
}

describe('absencePeriod', () => {
  it('covers whole days in the person\'s time zone, the last day included', () => {
    const period = absencePeriod({ kind: 'vacation', from: '2026-12-28', to: '2027-01-08', note: ' Новый год ' }, 'Asia/Tashkent');
    expect(period.startsAt.toISOString()).toBe('2026-12-27T19:00:00.000Z');
    expect(period.endsAt.toISOString()).toBe('2027-01-08T19:00:00.000Z');
    expect(period.note).toBe('Новый год');
  });

  it('takes a one-day absence', () => {
    const period = absencePeriod({ kind: 'sick_leave', from: '2026-03-29', to: '2026-03-29' }, 'Europe/Kyiv');
    // The clocks go forward that night in Kyiv: the day is 23 hours long.
    expect(period.endsAt.getTime() - period.startsAt.getTime()).toBe(23 * 3_600_000);
  });

  it.each([
    [{ kind: 'holiday', from: '2026-01-01', to: '2026-01-02' }, 'absence_kind_invalid:kind'],
    [{ kind: 'vacation', from: '2026-02-30', to: '2026-03-02' }, 'absence_day_invalid:from'],
    [{ kind: 'vacation', from: '2026-01-05', to: 'tomorrow' }, 'absence_day_invalid:to'],
    [{ kind: 'vacation', from: '2026-01-05', to: '2026-01-04' }, 'absence_order:to'],
    [{ kind: 'vacation', from: '2026-01-01', to: '2027-01-03' }, 'absence_too_long:to'],
    [{ kind: 'other', from: '2026-01-01', to: '2026-01-01', note: 'x'.repeat(501) }, 'absence_note_too_long:note'],
  ])('refuses %p naming the field', (form, expected) => {
    expect(refusal(() => absencePeriod(form, 'UTC'))).toBe(expected);
  });

  it('accepts a full year, a leap year\'s included', () => {
    expect(refusal(() => absencePeriod({ kind: 'other', from: '2028-01-01', to: '2028-12-31' }, 'UTC'))).toBe('accepted');
  });
});

describe('overlaps', () => {
  const at = (from: string, to: string) => ({ startsAt: new Date(from), endsAt: new Date(to) });

  it('sees shared time, and not back-to-back periods', () => {
    expect(overlaps(at('2026-01-01', '2026-01-10'), at('2026-01-09', '2026-01-12'))).toBe(true);
    expect(overlaps(at('2026-01-01', '2026-01-10'), at('2026-01-03', '2026-01-04'))).toBe(true);
    expect(overlaps(at('2026-01-01', '2026-01-10'), at('2026-01-10', '2026-01-12'))).toBe(false);
    expect(overlaps(at('2026-01-10', '2026-01-12'), at('2026-01-01', '2026-01-10'))).toBe(false);
  });
});

describe('checkSubstitute', () => {
  it('wants an existing, active person other than the absent one', () => {
    expect(refusal(() => checkSubstitute('u-1', null, 'ghost'))).toBe('substitute_unknown:substitute');
    expect(refusal(() => checkSubstitute('u-1', { id: 'u-1', active: true }, 'me'))).toBe('substitute_self:substitute');
    expect(refusal(() => checkSubstitute('u-1', { id: 'u-2', active: false }, 'gone'))).toBe('substitute_inactive:substitute');
    expect(refusal(() => checkSubstitute('u-1', { id: 'u-2', active: true }, 'ok'))).toBe('accepted');
  });
});
