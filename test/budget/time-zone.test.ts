import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayKeyOf,
  GEMINI_QUOTA_TIME_ZONE,
  startOfDay,
  startOfNextDay,
  validateTimeZone,
} from '../../src/budget/index.js';
import { InvalidOptionError } from '../../src/errors.js';

const HOUR = 3_600_000;
const LA = 'America/Los_Angeles';
const BERLIN = 'Europe/Berlin';

describe('calendar days in a time zone', () => {
  it('defaults to Pacific time', () => {
    expect(GEMINI_QUOTA_TIME_ZONE).toBe(LA);
  });

  it('America/Los_Angeles: 2026-03-08 has 23 hours (PST -> PDT)', () => {
    const midnight = Date.UTC(2026, 2, 8, 8); // 00:00 PST
    const next = Date.UTC(2026, 2, 9, 7); // 00:00 PDT
    expect(dayKeyOf(midnight - 1, LA)).toBe('2026-03-07');
    expect(dayKeyOf(midnight, LA)).toBe('2026-03-08');
    expect(dayKeyOf(Date.UTC(2026, 2, 8, 10, 30), LA)).toBe('2026-03-08'); // 03:30 PDT
    expect(startOfDay(Date.UTC(2026, 2, 8, 12), LA)).toBe(midnight);
    expect(startOfNextDay(midnight, LA)).toBe(next);
    expect(startOfNextDay(next - 1, LA)).toBe(next);
    expect(startOfNextDay(midnight - 1, LA)).toBe(midnight);
    expect(next - midnight).toBe(23 * HOUR);
    expect(dayKeyOf(next - 1, LA)).toBe('2026-03-08');
    expect(dayKeyOf(next, LA)).toBe('2026-03-09');
  });

  it('America/Los_Angeles: 2026-11-01 has 25 hours (PDT -> PST)', () => {
    const midnight = Date.UTC(2026, 10, 1, 7); // 00:00 PDT
    const next = Date.UTC(2026, 10, 2, 8); // 00:00 PST
    expect(startOfDay(Date.UTC(2026, 10, 1, 9, 30), LA)).toBe(midnight); // 01:30 PDT, first time
    expect(startOfDay(Date.UTC(2026, 10, 1, 10, 30), LA)).toBe(midnight); // 01:30 PST, second time
    expect(startOfNextDay(midnight, LA)).toBe(next);
    expect(next - midnight).toBe(25 * HOUR);
    expect(dayKeyOf(next - 1, LA)).toBe('2026-11-01');
    expect(dayKeyOf(next, LA)).toBe('2026-11-02');
  });

  it('Europe/Berlin: 2026-03-29 has 23 hours and 2026-10-25 has 25', () => {
    expect(startOfDay(Date.UTC(2026, 2, 29, 12), BERLIN)).toBe(Date.UTC(2026, 2, 28, 23));
    expect(startOfNextDay(Date.UTC(2026, 2, 29, 12), BERLIN)).toBe(Date.UTC(2026, 2, 29, 22));
    expect(startOfDay(Date.UTC(2026, 9, 25, 12), BERLIN)).toBe(Date.UTC(2026, 9, 24, 22));
    expect(startOfNextDay(Date.UTC(2026, 9, 25, 12), BERLIN)).toBe(Date.UTC(2026, 9, 25, 23));
    expect(dayKeyOf(Date.UTC(2026, 2, 28, 23) - 1, BERLIN)).toBe('2026-03-28');
    expect(dayKeyOf(Date.UTC(2026, 2, 28, 23), BERLIN)).toBe('2026-03-29');
  });

  it('UTC: every day has 24 hours, including across year ends', () => {
    expect(dayKeyOf(Date.UTC(2026, 2, 8, 23, 59, 59, 999), 'UTC')).toBe('2026-03-08');
    expect(startOfNextDay(Date.UTC(2026, 2, 8, 23, 59, 59, 999), 'UTC')).toBe(Date.UTC(2026, 2, 9));
    expect(startOfNextDay(Date.UTC(2026, 11, 31, 5), 'UTC')).toBe(Date.UTC(2027, 0, 1));
    expect(startOfDay(Date.UTC(2026, 10, 1, 12), 'UTC')).toBe(Date.UTC(2026, 10, 1));
    expect(dayKeyOf(Date.UTC(2026, 0, 1, 7), LA)).toBe('2025-12-31');
  });

  it('America/Santiago: a day whose midnight is skipped starts at 01:00', () => {
    const zone = 'America/Santiago';
    // 2026-09-06: 00:00 -04 jumps to 01:00 -03, i.e. at 04:00Z.
    expect(startOfDay(Date.UTC(2026, 8, 6, 12), zone)).toBe(Date.UTC(2026, 8, 6, 4));
    expect(startOfNextDay(Date.UTC(2026, 8, 5, 12), zone)).toBe(Date.UTC(2026, 8, 6, 4));
    expect(startOfNextDay(Date.UTC(2026, 8, 6, 12), zone)).toBe(Date.UTC(2026, 8, 7, 3));
    // 2026-04-05: 24:00 -03 falls back to 23:00 -04, so 2026-04-04 lasts 25 hours.
    expect(startOfNextDay(Date.UTC(2026, 3, 4, 12), zone)).toBe(Date.UTC(2026, 3, 5, 4));
  });

  it('property: startOfDay <= now < startOfNextDay, and both are exact day boundaries', () => {
    const zones = [LA, BERLIN, 'UTC', 'America/Santiago', 'Asia/Kolkata', 'Australia/Lord_Howe'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.constantFrom(...zones),
        (now, zone) => {
          const key = dayKeyOf(now, zone);
          const start = startOfDay(now, zone);
          const next = startOfNextDay(now, zone);
          expect(start).toBeLessThanOrEqual(now);
          expect(next).toBeGreaterThan(now);
          expect(dayKeyOf(start, zone)).toBe(key);
          expect(dayKeyOf(start - 1, zone) < key).toBe(true);
          expect(dayKeyOf(next - 1, zone)).toBe(key);
          expect(dayKeyOf(next, zone) > key).toBe(true);
          expect(next - start).toBeGreaterThanOrEqual(22 * HOUR);
          expect(next - start).toBeLessThanOrEqual(26 * HOUR);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('validateTimeZone accepts IANA names and rejects unknown zones, naming the option', () => {
    expect(validateTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(validateTimeZone('utc')).toBe('UTC');
    for (const bad of ['Mars/Olympus_Mons', '', 'PST8PDT/x', 42, undefined]) {
      expect(() => validateTimeZone(bad, 'options.timeZone')).toThrow(InvalidOptionError);
      try {
        validateTimeZone(bad, 'options.timeZone');
      } catch (error) {
        expect((error as InvalidOptionError).option).toBe('options.timeZone');
        expect((error as Error).message).toContain('`options.timeZone`');
        expect((error as Error).message).toContain('IANA');
      }
    }
  });
});
