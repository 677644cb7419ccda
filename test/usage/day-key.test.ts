import { describe, expect, it } from 'vitest';
import { dayKeyOf, validateTimeZone } from '../../src/budget/time-zone.js';
import { InvalidOptionError } from '../../src/errors.js';
import { isDayKey, shiftDayKey } from '../../src/usage/day-key.js';
import { reportId } from '../../src/usage/report.js';
import { ev, LA, reduceAll } from './helpers.js';

describe('dayKeyOf', () => {
  it('gives the calendar day in the time zone', () => {
    expect(dayKeyOf(Date.UTC(2026, 0, 15, 7, 59, 59, 999), LA)).toBe('2026-01-14');
    expect(dayKeyOf(Date.UTC(2026, 0, 15, 8, 0, 0, 0), LA)).toBe('2026-01-15');
    expect(dayKeyOf(Date.UTC(2026, 0, 15, 8), 'UTC')).toBe('2026-01-15');
    expect(dayKeyOf(Date.UTC(2026, 0, 14, 23), 'Asia/Tokyo')).toBe('2026-01-15');
  });

  // 2026-03-08: clocks spring forward at 02:00 PST; midnight starting the day is PST (UTC-8),
  // midnight ending it is PDT (UTC-7): the day is 23 hours long.
  it('handles the spring-forward day 2026-03-08 in Los Angeles', () => {
    const start = Date.UTC(2026, 2, 8, 8); // 2026-03-08 00:00 PST
    const end = Date.UTC(2026, 2, 9, 7); // 2026-03-09 00:00 PDT
    expect(end - start).toBe(23 * 3600_000);
    expect(dayKeyOf(start - 1, LA)).toBe('2026-03-07');
    expect(dayKeyOf(start, LA)).toBe('2026-03-08');
    expect(dayKeyOf(end - 1, LA)).toBe('2026-03-08');
    expect(dayKeyOf(end, LA)).toBe('2026-03-09');
  });

  // 2026-11-01: clocks fall back at 02:00 PDT; the day is 25 hours long.
  it('handles the fall-back day 2026-11-01 in Los Angeles', () => {
    const start = Date.UTC(2026, 10, 1, 7); // 2026-11-01 00:00 PDT
    const end = Date.UTC(2026, 10, 2, 8); // 2026-11-02 00:00 PST
    expect(end - start).toBe(25 * 3600_000);
    expect(dayKeyOf(start - 1, LA)).toBe('2026-10-31');
    expect(dayKeyOf(start, LA)).toBe('2026-11-01');
    expect(dayKeyOf(end - 1, LA)).toBe('2026-11-01');
    expect(dayKeyOf(end, LA)).toBe('2026-11-02');
  });

  it('files events just before and after local midnight on DST days into the right report', () => {
    const marchStart = Date.UTC(2026, 2, 8, 8);
    const marchEnd = Date.UTC(2026, 2, 9, 7);
    const novStart = Date.UTC(2026, 10, 1, 7);
    const novEnd = Date.UTC(2026, 10, 2, 8);
    const at = [
      marchStart - 1,
      marchStart,
      marchEnd - 1,
      marchEnd,
      novStart - 1,
      novStart,
      novEnd - 1,
      novEnd,
    ];
    const state = reduceAll(at.map((t) => ev.dispatched({ at: t })));
    const calls = (date: string) => state.reports[reportId('gemini', date)]?.totals.totalCalls;
    expect(calls('2026-03-07')).toBe(1);
    expect(calls('2026-03-08')).toBe(2);
    expect(calls('2026-03-09')).toBe(1);
    expect(calls('2026-10-31')).toBe(1);
    expect(calls('2026-11-01')).toBe(2);
    expect(calls('2026-11-02')).toBe(1);
    expect(state.reports[reportId('gemini', '2026-03-08')]?.timeZone).toBe(LA);
  });
});

describe('day keys', () => {
  it('validates time zones with an error naming the option', () => {
    expect(() => validateTimeZone('Mars/Olympus')).toThrow(InvalidOptionError);
    expect(() => validateTimeZone('Mars/Olympus')).toThrow(/timeZone/);
    expect(() => validateTimeZone(42, 'tz')).toThrow(/`tz`/);
    expect(() => validateTimeZone(LA)).not.toThrow();
  });

  it('shifts and checks day keys', () => {
    expect(shiftDayKey('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDayKey('2024-03-01', -1)).toBe('2024-02-29');
    expect(shiftDayKey('2026-12-31', 1)).toBe('2027-01-01');
    expect(isDayKey('2026-02-30')).toBe(false);
    expect(isDayKey('2026-2-3')).toBe(false);
    expect(() => shiftDayKey('yesterday', 1)).toThrow(InvalidOptionError);
  });
});
