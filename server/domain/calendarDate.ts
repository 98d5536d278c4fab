// Calendar dates (YYYY-MM-DD) and the one rule for which date something happened on: the date in
// Sweden, where every förbund is. Pure: the clock is passed in.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as YYYY-MM-DD that really exists (no 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const swedish = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The date in Sweden at an instant (an answer sent at 00:30 Swedish summer time belongs to that day, not to the UTC day before). */
export function swedishDate(instant: Date = new Date()): string {
  return swedish.format(instant);
}

/** The date `days` after (or before) a calendar date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The date `months` calendar months after a date; the last day of the month when it has no such day (2026-01-31 + 1 → 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

/** A range written with an inclusive last day (a measurement round's dates) as the half-open [from, to). */
export function halfOpen(startsOn: string, endsOn: string): { from: string; to: string } {
  return { from: startsOn, to: addDays(endsOn, 1) };
}
