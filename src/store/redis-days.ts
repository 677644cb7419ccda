import { dayKeyOf, startOfDay, startOfNextDay } from '../budget/time-zone.js';

/**
 * Three consecutive calendar days in a time zone, for a script that reads
 * Redis's clock and so picks the day itself (Lua has no time zone data).
 *
 * @internal
 */
export interface DayTriple {
  /** Starts of the day before, the day of and the day after, and the end of the last (ms). */
  readonly bounds: readonly [number, number, number, number];
  /** The three days as `YYYY-MM-DD`. */
  readonly dates: readonly [string, string, string];
}

/**
 * Computes {@link DayTriple}s around a time, caching the last one so that
 * the hot path calls `Intl` only when the day changes.
 *
 * @internal
 */
export class DayCalendar {
  readonly #timeZone: string;
  #cached: DayTriple | undefined;

  constructor(timeZone: string) {
    this.#timeZone = timeZone;
  }

  /** The day before, of and after the day that contains `at`. */
  around(at: number): DayTriple {
    const cached = this.#cached;
    if (cached !== undefined && at >= cached.bounds[1] && at < cached.bounds[2]) return cached;
    const zone = this.#timeZone;
    const start = startOfDay(at, zone);
    const next = startOfNextDay(at, zone);
    const before = startOfDay(start - 1, zone);
    const after = startOfNextDay(next, zone);
    const triple: DayTriple = {
      bounds: [before, start, next, after],
      dates: [dayKeyOf(before, zone), dayKeyOf(start, zone), dayKeyOf(next, zone)],
    };
    this.#cached = triple;
    return triple;
  }
}
