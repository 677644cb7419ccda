import { describe, expect, it } from 'vitest';
import {
  type BudgetEntry,
  createBudget,
  defaultSafetyMargin,
  earliestTake,
  type Limits,
  normalizeLimits,
  reconcileTake,
  tryTake,
} from '../../src/budget/index.js';
import { InvalidOptionError } from '../../src/errors.js';

const T0 = Date.UTC(2026, 0, 15, 12);

function budgetOf(limits: Limits, safetyMarginMs: number | 'default' = 0, timeZone = 'UTC') {
  return createBudget(
    normalizeLimits(limits),
    safetyMarginMs === 'default' ? { timeZone } : { timeZone, safetyMarginMs },
  );
}

function admitted(result: ReturnType<typeof tryTake>): BudgetEntry {
  if (!result.ok) throw new Error(`refused: ${result.reason} until ${result.retryAt}`);
  return result;
}

describe('Budget', () => {
  it('admits everything and counts the day when there are no limits', () => {
    const budget = budgetOf({});
    for (let i = 0; i < 10_000; i++) expect(tryTake(budget, 5, T0).ok).toBe(true);
    expect(budget.day.requests).toBe(10_000);
    expect(budget.day.tokens).toBe(50_000);
    expect(budget.windows).toHaveLength(0);
  });

  it('RPM: the 16th request in a minute waits until the first leaves the window', () => {
    const budget = budgetOf({ requestsPerMinute: 15 });
    for (let i = 0; i < 15; i++) admitted(tryTake(budget, 0, T0 + i * 100));
    expect(tryTake(budget, 0, T0 + 2_000)).toEqual({
      ok: false,
      retryAt: T0 + 60_000,
      reason: 'window',
    });
    expect(tryTake(budget, 0, T0 + 59_999).ok).toBe(false);
    expect(admitted(tryTake(budget, 0, T0 + 60_000)).at).toBe(T0 + 60_000);
    expect(tryTake(budget, 0, T0 + 60_000)).toEqual({
      ok: false,
      retryAt: T0 + 60_100,
      reason: 'window',
    });
  });

  it('grows a large request window as needed and stays exact', () => {
    const budget = budgetOf({ windows: [{ requests: 1_000, per: 10_000 }] });
    for (let i = 0; i < 1_000; i++) admitted(tryTake(budget, 0, T0 + i));
    expect(tryTake(budget, 0, T0 + 5_000)).toEqual({
      ok: false,
      retryAt: T0 + 10_000,
      reason: 'window',
    });
    for (let i = 0; i < 1_000; i++) admitted(tryTake(budget, 0, T0 + 10_000 + i));
    expect(earliestTake(budget, 0, T0 + 10_999)).toBe(T0 + 20_000);
  });

  it('requests at the same millisecond share one log bucket, so memory does not grow with the limit', () => {
    const budget = budgetOf({ requestsPerMinute: 1e9, tokensPerMinute: 1e15 });
    for (let i = 0; i < 100_000; i++) admitted(tryTake(budget, 3, T0 + Math.floor(i / 1_000)));
    expect(budget.log.next).toBe(100);
    expect(budget.log.times.length).toBeLessThanOrEqual(128);
    // RPM and TPM share a span: one window counts both.
    expect(budget.windows).toHaveLength(1);
    expect(budget.windows[0]!.requests).toBe(100_000);
    expect(budget.windows[0]!.tokens).toBe(300_000);
  });

  it('merges windows of one span into one that keeps the lower of each limit', () => {
    const budget = budgetOf(
      {
        requestsPerMinute: 5,
        tokensPerMinute: 100,
        windows: [
          { requests: 3, per: 60_000 },
          { tokens: 40, per: 60_000, marginMs: 0 },
        ],
      },
      'default',
    );
    // The default margin of a minute is 1 s: the last window (margin 0) has another span.
    expect(budget.windows.map((w) => [w.span, w.requestLimit, w.tokenLimit])).toEqual([
      [61_000, 3, 100],
      [60_000, Number.POSITIVE_INFINITY, 40],
    ]);
    for (let i = 0; i < 3; i++) admitted(tryTake(budget, 10, T0 + i));
    expect(tryTake(budget, 10, T0 + 3)).toEqual({
      ok: false,
      retryAt: T0 + 61_000,
      reason: 'window',
    });
  });

  it('drops log buckets every window has let go instead of growing', () => {
    const budget = budgetOf({
      windows: [
        { requests: 5, per: 10 },
        { tokens: 50, per: 20 },
      ],
    });
    const first = admitted(tryTake(budget, 10, T0));
    for (let t = 1; t < 10_000; t++) tryTake(budget, 1, T0 + t);
    expect(budget.log.times.length).toBeLessThanOrEqual(64);
    // The first bucket is gone: correcting it changes no window.
    const before = earliestTake(budget, 40, T0 + 10_000);
    reconcileTake(budget, first, 10_000);
    expect(earliestTake(budget, 40, T0 + 10_000)).toBe(before);
  });

  it('several buckets leave the window at once, the last exactly at its edge', () => {
    const budget = budgetOf({ windows: [{ tokens: 10, requests: 2, per: 10 }] });
    admitted(tryTake(budget, 5, T0));
    admitted(tryTake(budget, 5, T0 + 5));
    expect(tryTake(budget, 6, T0 + 14)).toEqual({ ok: false, retryAt: T0 + 15, reason: 'window' });
    expect(admitted(tryTake(budget, 10, T0 + 15)).at).toBe(T0 + 15);
  });

  it('the default safety margin widens each window by min(1 s, per / 50)', () => {
    expect(defaultSafetyMargin(60_000)).toBe(1_000);
    expect(defaultSafetyMargin(3_600_000)).toBe(1_000);
    expect(defaultSafetyMargin(2_000)).toBe(40);
    expect(defaultSafetyMargin(1)).toBe(1);
    const minute = budgetOf({ requestsPerMinute: 1 }, 'default');
    admitted(tryTake(minute, 0, T0));
    expect(earliestTake(minute, 0, T0)).toBe(T0 + 61_000);
    const short = budgetOf({ windows: [{ requests: 1, per: 2_000 }] }, 'default');
    admitted(tryTake(short, 0, T0));
    expect(earliestTake(short, 0, T0)).toBe(T0 + 2_040);
    const custom = budgetOf({ windows: [{ requests: 1, per: 2_000 }] }, 250);
    admitted(tryTake(custom, 0, T0));
    expect(earliestTake(custom, 0, T0)).toBe(T0 + 2_250);
  });

  it('refuses for good a request larger than a window token limit', () => {
    const budget = budgetOf({ tokensPerMinute: 100, requestsPerDay: 1 });
    expect(tryTake(budget, 101, T0)).toEqual({
      ok: false,
      retryAt: Number.POSITIVE_INFINITY,
      reason: 'never',
    });
    expect(earliestTake(budget, 101, T0)).toBe(Number.POSITIVE_INFINITY);
    expect(tryTake(budget, 100, T0).ok).toBe(true);
  });

  it('TPM: retryAt is when enough tokens have left the window', () => {
    const budget = budgetOf({ tokensPerMinute: 100 });
    admitted(tryTake(budget, 40, T0));
    admitted(tryTake(budget, 30, T0 + 10_000));
    admitted(tryTake(budget, 30, T0 + 20_000));
    expect(tryTake(budget, 50, T0 + 30_000)).toEqual({
      ok: false,
      retryAt: T0 + 70_000,
      reason: 'window',
    });
    expect(earliestTake(budget, 10, T0 + 30_000)).toBe(T0 + 60_000);
    expect(earliestTake(budget, 0, T0 + 30_000)).toBe(T0 + 30_000);
  });

  describe('reconcile', () => {
    it('a lower real count frees tokens at once; a higher one pushes the next admission back', () => {
      const budget = budgetOf({ windows: [{ tokens: 100, per: 1_000 }] });
      const entry = admitted(tryTake(budget, 80, T0));
      expect(earliestTake(budget, 50, T0 + 10)).toBe(T0 + 1_000);

      reconcileTake(budget, entry, 30);
      expect(entry.tokens).toBe(30);
      expect(earliestTake(budget, 50, T0 + 10)).toBe(T0 + 10);
      const second = admitted(tryTake(budget, 50, T0 + 10));

      reconcileTake(budget, second, 70); // now 30 + 70 = 100 in the window
      expect(earliestTake(budget, 1, T0 + 20)).toBe(T0 + 1_000);
      expect(earliestTake(budget, 31, T0 + 20)).toBe(T0 + 1_010);
      expect(budget.day.tokens).toBe(100);
    });

    it('a correction after the entry left the window changes only the day', () => {
      const budget = budgetOf({ windows: [{ tokens: 100, per: 1_000 }] });
      const entry = admitted(tryTake(budget, 10, T0));
      admitted(tryTake(budget, 90, T0 + 1_500)); // the first entry has left
      reconcileTake(budget, entry, 60);
      expect(earliestTake(budget, 10, T0 + 1_600)).toBe(T0 + 1_600);
      expect(earliestTake(budget, 11, T0 + 1_600)).toBe(T0 + 2_500);
      expect(budget.day.tokens).toBe(150);
    });

    it('corrects every token window holding the entry and ignores nonsense counts', () => {
      const budget = budgetOf({
        tokensPerMinute: 1_000,
        windows: [{ tokens: 100, per: 1_000 }],
      });
      const entry = admitted(tryTake(budget, 100, T0));
      reconcileTake(budget, entry, Number.NaN);
      reconcileTake(budget, entry, -5);
      reconcileTake(budget, entry, Number.POSITIVE_INFINITY);
      expect(entry.tokens).toBe(100);
      reconcileTake(budget, entry, 1_000);
      // The minute window is full until the entry leaves it; the short one long before.
      expect(earliestTake(budget, 1, T0 + 5_000)).toBe(T0 + 60_000);
    });
  });

  describe('daily limit', () => {
    it('resets exactly at local midnight, across a 23-hour day in Los Angeles', () => {
      const budget = budgetOf({ requestsPerDay: 2 }, 0, 'America/Los_Angeles');
      const morning = Date.UTC(2026, 2, 8, 9); // 01:00 PST on the 23-hour day
      const midnight = Date.UTC(2026, 2, 9, 7); // 00:00 PDT
      admitted(tryTake(budget, 0, morning));
      admitted(tryTake(budget, 0, morning + 1));
      expect(tryTake(budget, 0, morning + 2)).toEqual({
        ok: false,
        retryAt: midnight,
        reason: 'daily',
      });
      expect(tryTake(budget, 0, midnight - 1).ok).toBe(false);
      expect(admitted(tryTake(budget, 0, midnight)).at).toBe(midnight);
      expect(budget.day.requests).toBe(1);
      expect(budget.day.dayStart).toBe(midnight);
    });

    it('reports the later of the day reset and the windows', () => {
      const budget = budgetOf({
        requestsPerDay: 1,
        windows: [{ requests: 1, per: 2 * 86_400_000 }],
      });
      admitted(tryTake(budget, 0, T0));
      expect(tryTake(budget, 0, T0 + 1)).toEqual({
        ok: false,
        retryAt: T0 + 2 * 86_400_000,
        reason: 'daily',
      });
    });
  });

  it('a clock that steps back is checked as given and recorded at the latest time seen', () => {
    const budget = budgetOf({ windows: [{ requests: 2, per: 1_000 }] });
    admitted(tryTake(budget, 0, T0 + 500));
    const entry = admitted(tryTake(budget, 0, T0));
    expect(entry.at).toBe(T0 + 500);
    expect(earliestTake(budget, 0, T0 + 600)).toBe(T0 + 1_500);
  });

  it('gives a window its own margin when it has one, and the budget margin otherwise', () => {
    const budget = budgetOf(
      {
        windows: [
          { requests: 1, per: 1_000 },
          { requests: 1, per: 100, marginMs: 0 },
        ],
      },
      200,
    );
    admitted(tryTake(budget, 0, T0));
    // The 1 s window is 1.2 s long; the 100 ms window is exactly 100 ms.
    expect(earliestTake(budget, 0, T0)).toBe(T0 + 1_200);
    const pacing = budgetOf({ windows: [{ requests: 1, per: 100, marginMs: 0 }] }, 200);
    admitted(tryTake(pacing, 0, T0));
    expect(earliestTake(pacing, 0, T0)).toBe(T0 + 100);
  });

  it('validates its options', () => {
    expect(() => createBudget(normalizeLimits({}), { timeZone: 'Nowhere/Land' })).toThrow(
      InvalidOptionError,
    );
    expect(() => createBudget(normalizeLimits({}), { safetyMarginMs: -1 })).toThrow(
      /`safetyMarginMs`/,
    );
    expect(() => createBudget(normalizeLimits({}), { safetyMarginMs: 0.5 })).toThrow(
      InvalidOptionError,
    );
  });
});
