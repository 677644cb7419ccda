import { startOfDay, startOfNextDay } from './time-zone.js';

/**
 * Requests and input tokens counted on one calendar day in a time zone, with
 * the day's bounds cached so that the hot path compares numbers and never
 * calls `Intl`.
 */
export interface DailyCounter {
  /** The IANA time zone whose calendar days are counted. */
  readonly timeZone: string;
  /** Most requests per day; `Infinity` when unlimited. */
  readonly limit: number;
  /** First instant of the counted day (ms since the epoch); `-Infinity` before the first use. */
  dayStart: number;
  /** First instant of the next day: the counter resets when `now` reaches it. */
  dayEnd: number;
  /** Requests counted on the day. */
  requests: number;
  /** Input tokens counted on the day (for reports and seeding; they do not bind). */
  tokens: number;
}

/**
 * A daily counter in `timeZone` (validate it first).
 *
 * @param limit - Most requests per day. Default: `Infinity` (unlimited).
 */
export function createDailyCounter(
  timeZone: string,
  limit = Number.POSITIVE_INFINITY,
): DailyCounter {
  return {
    timeZone,
    limit,
    dayStart: Number.NEGATIVE_INFINITY,
    dayEnd: Number.NEGATIVE_INFINITY,
    requests: 0,
    tokens: 0,
  };
}

/**
 * The bounds of the day last computed per time zone: every counter of one
 * zone rolls over to the same day, so one `Intl` computation serves them all
 * (a pool of 1,000 keys creates 1,000 counters).
 */
const lastDayByZone = new Map<string, { readonly start: number; readonly end: number }>();

/**
 * Move the counter to the day that contains `now` when `now` has reached the
 * end of the counted day. Never moves back: a `now` before the counted day
 * (a clock that stepped back) keeps counting on the counted day.
 */
export function rollDay(c: DailyCounter, now: number): void {
  if (now < c.dayEnd) return;
  let day = lastDayByZone.get(c.timeZone);
  if (day === undefined || now < day.start || now >= day.end) {
    day = { start: startOfDay(now, c.timeZone), end: startOfNextDay(now, c.timeZone) };
    lastDayByZone.set(c.timeZone, day);
  }
  c.dayStart = day.start;
  c.dayEnd = day.end;
  c.requests = 0;
  c.tokens = 0;
}

/** True when `now` falls on the counted day. */
export function isCountedDay(c: DailyCounter, now: number): boolean {
  return now >= c.dayStart && now < c.dayEnd;
}

/** True when one more request fits in the day that contains `now`. */
export function dailyAdmits(c: DailyCounter, now: number): boolean {
  if (now >= c.dayEnd) rollDay(c, now);
  return c.requests < c.limit;
}
