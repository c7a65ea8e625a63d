/**
 * Calendar days as `YYYY-MM-DD` strings in UTC. Plans are scheduled in whole
 * days, and strings in this form compare in date order, so no time zone can
 * shift a phase window by a day.
 *
 * @example
 * ```ts
 * console.log(addDays("2026-02-26", 7)); // "2026-03-05"
 * console.log(utcDay(new Date("2026-03-02T23:59:00Z"))); // "2026-03-02"
 * ```
 * @module
 */

/** The UTC calendar day of `instant`. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** `day` moved by `days` (negative moves back). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return utcDay(date);
}
