import { InvalidOptionError } from '../errors.js';

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
