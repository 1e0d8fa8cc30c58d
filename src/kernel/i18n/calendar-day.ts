/** A calendar day as typed in a date field (`YYYY-MM-DD`). */
export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day in `text`, or undefined unless it is a real date in `YYYY-MM-DD` form. */
export function parseDay(text: string): CalendarDay | undefined {
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return { year, month, day };
}

export function nextDay(day: CalendarDay): CalendarDay {
  const date = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** The wall-clock reading in the zone at `instant`, as if that reading were UTC (ms). */
function wallClock(format: Intl.DateTimeFormat, instant: number): number {
  const parts = Object.fromEntries(format.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((type) => Number(parts[type]));
  return Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
}

/**
 * The first instant of `day` in `timeZone` (an unknown zone counts as UTC). Where midnight does not
 * exist (a clock jumping from 00:00 to 01:00) that is 01:00; where it happens twice, the first one.
 */
export function startOfDay(day: CalendarDay, timeZone: string): Date {
  let format: Intl.DateTimeFormat;
  try {
    format = partsFormatter(timeZone);
  } catch {
    format = partsFormatter('UTC');
  }
  const midnight = Date.UTC(day.year, day.month - 1, day.day);
  // The zone's offset near midnight, taken on both sides of a possible change.
  const first = midnight - (wallClock(format, midnight) - midnight);
  const second = midnight - (wallClock(format, first) - first);
  const onTheDay = [first, second].filter((instant) => {
    const wall = wallClock(format, instant);
    return wall >= midnight && wall < midnight + 86_400_000;
  });
  return new Date(onTheDay.length ? Math.min(...onTheDay) : first);
}

/** The calendar day (`YYYY-MM-DD`) it is in `timeZone` at `instant` (an unknown zone counts as UTC). */
export function calendarDayIn(instant: Date, timeZone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
  }
  const parts = Object.fromEntries(format.formatToParts(instant).map((part) => [part.type, part.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
