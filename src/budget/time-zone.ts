import { InvalidOptionError } from '../errors.js';

/**
 * The time zone Gemini's daily quotas reset in: midnight Pacific time, with
 * daylight saving. The default time zone of every budget.
 */
export const GEMINI_QUOTA_TIME_ZONE = 'America/Los_Angeles';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The cached formatter for `timeZone` (one per zone; constructing one is slow). */
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall-clock fields of an instant in a time zone. */
interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallTimeOf(now: number, timeZone: string): WallTime {
  const wall: WallTime = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterOf(timeZone).formatToParts(now)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'minute':
      case 'second':
        wall[part.type] = Number(part.value);
        break;
      case 'hour':
        // Some engines print midnight as 24 even with h23.
        wall.hour = Number(part.value) % 24;
        break;
      default:
        break;
    }
  }
  return wall;
}

function keyOf(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The zone's offset from UTC at `now`, in ms (local = UTC + offset). */
function offsetAt(now: number, timeZone: string): number {
  const w = wallTimeOf(now, timeZone);
  const wholeSecond = Math.floor(now / 1000) * 1000;
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - wholeSecond;
}

/** The first instant whose local calendar date (in `timeZone`) is `key`, i.e. its local midnight. */
function startOfLocalDate(year: number, month: number, day: number, timeZone: string): number {
  const key = keyOf(year, month, day);
  const wall = Date.UTC(year, month - 1, day);
  const isStart = (t: number) => dayKeyOf(t, timeZone) === key && dayKeyOf(t - 1, timeZone) < key;
  // Usually one or two fixed-point steps find it; where midnight itself is
  // skipped by a DST change the steps may oscillate, so check each.
  let guess = wall - offsetAt(wall, timeZone);
  for (let i = 0; i < 3; i++) {
    if (isStart(guess)) return guess;
    guess = wall - offsetAt(guess, timeZone);
  }
  // Fallback: binary search for the first millisecond of that local date.
  let lo = wall - 36 * 3_600_000; // surely the day before, in every zone
  let hi = wall + 36 * 3_600_000; // surely that day or later
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayKeyOf(mid, timeZone) >= key) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Zone names already validated, with their canonical names (building a formatter is slow). */
const canonicalZones = new Map<string, string>();

/**
 * Check that `timeZone` names an IANA time zone this runtime knows, and
 * return its canonical name (e.g. `'utc'` gives `'UTC'`).
 *
 * @param optionPath - The option's name for the error message. Default: `'timeZone'`.
 * @throws {@link InvalidOptionError} naming `optionPath` when the zone is unknown or not a string.
 */
export function validateTimeZone(timeZone: unknown, optionPath = 'timeZone'): string {
  const known = typeof timeZone === 'string' ? canonicalZones.get(timeZone) : undefined;
  if (known !== undefined) return known;
  const expected = 'an IANA time zone name such as "America/Los_Angeles", "Europe/Berlin" or "UTC"';
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new InvalidOptionError(optionPath, expected, timeZone);
  }
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
    canonicalZones.set(timeZone, canonical);
    return canonical;
  } catch {
    throw new InvalidOptionError(optionPath, expected, timeZone);
  }
}

/**
 * The calendar day that contains `now` in `timeZone`, as `'YYYY-MM-DD'`.
 *
 * @param now - ms since the epoch.
 * @param timeZone - An IANA zone (validate it first with {@link validateTimeZone}).
 * @example `dayKeyOf(Date.UTC(2026, 0, 1, 7), 'America/Los_Angeles')` is `'2025-12-31'`.
 */
export function dayKeyOf(now: number, timeZone: string): string {
  const w = wallTimeOf(now, timeZone);
  return keyOf(w.year, w.month, w.day);
}

/**
 * The first instant (ms since the epoch) of the local calendar day that
 * contains `now`: its local midnight, or the first instant after it where a
 * DST change skips midnight.
 */
export function startOfDay(now: number, timeZone: string): number {
  const w = wallTimeOf(now, timeZone);
  return startOfLocalDate(w.year, w.month, w.day, timeZone);
}

/**
 * The first instant (ms since the epoch) of the local calendar day after the
 * one that contains `now`: when a daily quota resets. Right across DST
 * changes (a local day may last 23 or 25 hours).
 */
export function startOfNextDay(now: number, timeZone: string): number {
  const w = wallTimeOf(now, timeZone);
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return startOfLocalDate(
    next.getUTCFullYear(),
    next.getUTCMonth() + 1,
    next.getUTCDate(),
    timeZone,
  );
}
