/** ISO 8601 weeks (Monday start) on 'YYYY-MM-DD' days, all in UTC. */

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

function parse(day: string): number {
  if (!DAY_RE.test(day)) throw new RangeError(`a day looks like 2026-01-31, got ${JSON.stringify(day)}`);
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not a real day: ${day}`);
  return ms;
}

const format = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export function isDay(day: string): boolean {
  return DAY_RE.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && format(Date.parse(`${day}T00:00:00Z`)) === day;
}

export function addDays(day: string, n: number): string {
  return format(parse(day) + n * DAY_MS);
}

/** The Monday of the ISO week holding `day`. */
export function mondayOf(day: string): string {
  const ms = parse(day);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday 0 .. Sunday 6
  return format(ms - weekday * DAY_MS);
}

/**
 * The ISO week label, e.g. '2026-W01'. The week belongs to the year of its Thursday, so
 * 2025-12-29 (a Monday) is in 2026-W01 and 2027-01-01 (a Friday) is in 2026-W53.
 */
export function isoWeek(day: string): string {
  const thursday = parse(mondayOf(day)) + 3 * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Today in UTC, as the store writes days. */
export const utcToday = (): string => format(Date.now());
