import { CronExpressionParser } from 'cron-parser';

/*
 * When a recurring ticket is due: a five-field cron expression (minute hour day month weekday)
 * read in the schedule's own time zone, so "0 9 * * 1" is nine on Monday mornings there, across
 * daylight-saving changes. Wraps cron-parser; refuses what it cannot read rather than guessing.
 */

/** The first run after `after`, or undefined when the expression or the zone is not valid. */
export function nextRun(cron: string, timeZone: string, after: Date): Date | undefined {
  const expression = cron.trim().replace(/\s+/g, ' ');
  if (expression.split(' ').length !== 5) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return CronExpressionParser.parse(expression, { currentDate: after, tz: timeZone, strict: false }).next().toDate();
  } catch {
    return undefined;
  }
}
