/*
 * Time spent as people type it: "90", "1:30", "1h 30m", "1.5h", "1,5 ч", "45 мин", "2 soat".
 * Pure, so every form of it is tested; refuses anything it cannot read rather than guessing.
 */

const HOURS = /^(h|hr|hrs|hour|hours|ч|час|часа|часов|год|години|годин|soat)$/u;
const MINUTES = /^(m|min|mins|minute|minutes|м|мин|минут|минуты|минута|хв|хвилин|хвилини|daq|daqiqa)$/u;

/** Minutes, or undefined when the text is not a duration of 1 minute to 24 hours. */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLocaleLowerCase('und').replace(/,/g, '.');
  if (!input) return undefined;
  let minutes: number | undefined;
  const clock = /^(\d{1,2}):([0-5]\d)$/.exec(input);
  if (/^\d+$/.test(input)) minutes = Number(input);
  else if (clock) minutes = Number(clock[1]) * 60 + Number(clock[2]);
  else {
    const parts = [...input.matchAll(/(\d+(?:\.\d+)?)\s*([\p{L}]+)/gu)];
    if (parts.length === 0 || parts.map((part) => part[0]).join('').replace(/\s+/g, '') !== input.replace(/\s+/g, '')) return undefined;
    minutes = 0;
    for (const [, amount, unit] of parts) {
      if (HOURS.test(unit!)) minutes += Number(amount) * 60;
      else if (MINUTES.test(unit!)) minutes += Number(amount);
      else return undefined;
    }
  }
  const rounded = Math.round(minutes);
  return rounded >= 1 && rounded <= 1440 ? rounded : undefined;
}

/** Minutes as "1 h 30 min"-style text pieces for the page: [hours, minutes]. */
export function splitMinutes(total: number): { hours: number; minutes: number } {
  return { hours: Math.floor(total / 60), minutes: total % 60 };
}
