import { InvalidOptionError } from '../errors.js';

/**
 * The default time zone of daily reports: Gemini's per-day quotas reset at
 * midnight Pacific time.
 */
export const DEFAULT_TIME_ZONE = 'America/Los_Angeles';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Throws {@link InvalidOptionError} unless `timeZone` is an IANA time zone
 * that this runtime knows (e.g. `'America/Los_Angeles'`, `'UTC'`).
 *
 * @param option - the option's name for the error message. Default: `'timeZone'`.
 */
export function validateTimeZone(
  timeZone: unknown,
  option = 'timeZone',
): asserts timeZone is string {
  if (typeof timeZone !== 'string' || timeZone === '') {
    throw new InvalidOptionError(
      option,
      'an IANA time zone such as "America/Los_Angeles"',
      timeZone,
    );
  }
  try {
    formatterFor(timeZone);
  } catch {
    throw new InvalidOptionError(
      option,
      'an IANA time zone such as "America/Los_Angeles"',
      timeZone,
    );
  }
}

/**
 * The calendar day (`'YYYY-MM-DD'`) that the instant `at` (ms since the
 * epoch) falls on in `timeZone`. Formatters are cached per time zone.
 *
 * @example `dayKeyOf(Date.UTC(2026, 2, 8, 7, 59), 'America/Los_Angeles')` is `'2026-03-07'`.
 */
export function dayKeyOf(at: number, timeZone: string): string {
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `value` is a real calendar date written `'YYYY-MM-DD'`. */
export function isDayKey(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DAY_KEY.exec(value);
  if (match === null) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/**
 * The day key `days` calendar days after `dayKey` (before it when negative).
 * Pure calendar arithmetic: no time zone is involved.
 *
 * @example `shiftDayKey('2026-03-01', -1)` is `'2026-02-28'`.
 */
export function shiftDayKey(dayKey: string, days: number): string {
  if (!isDayKey(dayKey)) throw new InvalidOptionError('date', 'a date written YYYY-MM-DD', dayKey);
  const [year, month, day] = dayKey.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}
