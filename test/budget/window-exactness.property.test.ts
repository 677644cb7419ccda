import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Budget,
  createBudget,
  earliestTake,
  normalizeLimits,
  reconcileTake,
  tryTake,
  type WindowLimit,
} from '../../src/budget/index.js';

interface Taken {
  at: number;
  tokens: number;
}

/** Brute force: does a request of `cost` fit at `t`, given what was taken (all at or before `t`)? */
function bruteFits(
  windows: readonly WindowLimit[],
  taken: readonly Taken[],
  t: number,
  cost: number,
) {
  return windows.every((w) => {
    const inside = taken.filter((x) => x.at > t - w.per && x.at <= t);
    const requests = inside.length + 1;
    const tokens = inside.reduce((s, x) => s + x.tokens, 0) + cost;
    return (
      (w.requests === undefined || requests <= w.requests) &&
      (w.tokens === undefined || tokens <= w.tokens)
    );
  });
}

/** Brute force: the largest count and token sum in any interval [s, s + span) over every start s. */
function worstWindow(taken: readonly Taken[], span: number) {
  let requests = 0;
  let tokens = 0;
  for (const start of taken) {
    const inside = taken.filter((x) => x.at >= start.at && x.at < start.at + span);
    requests = Math.max(requests, inside.length);
    tokens = Math.max(
      tokens,
      inside.reduce((s, x) => s + x.tokens, 0),
    );
  }
  return { requests, tokens };
}

const windowArb: fc.Arbitrary<WindowLimit> = fc
  .record(
    {
      requests: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 17, max: 40 })),
      // Round numbers make exact fits (sum + cost === limit) common.
      tokens: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom(10, 20, 30, 40)),
      per: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(5, 10, 20, 40)),
    },
    { requiredKeys: ['per'] },
  )
  .filter((w) => w.requests !== undefined || w.tokens !== undefined);

const arrivalArb = fc.record({
  // Round gaps and lengths make entries leave exactly at window edges often.
  gap: fc.oneof(fc.constantFrom(0, 1, 5, 10), fc.integer({ min: 0, max: 40 })),
  cost: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constantFrom(0, 5, 10, 20)),
  /** When set, the real token count (at most the estimate) is reconciled right after admission. */
  /** Whether to ask for the earliest time before taking (it must not change the answer). */
  peek: fc.boolean(),
  actualShare: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
});

const start = Date.UTC(2026, 0, 15, 12); // mid-day: no day boundary within the run

describe('sliding windows are exact (margin 0)', () => {
  it('admits exactly when a brute-force count says it fits, never exceeds any window, and reports the true earliest time', () => {
    fc.assert(
      fc.property(
        fc.array(windowArb, { minLength: 1, maxLength: 3 }),
        fc.array(arrivalArb, { minLength: 1, maxLength: 80 }),
        (windows, arrivals) => {
          const budget: Budget = createBudget(normalizeLimits({ windows }), {
            timeZone: 'UTC',
            safetyMarginMs: 0,
          });
          const taken: Taken[] = [];
          let t = start;
          for (const { gap, cost, peek, actualShare } of arrivals) {
            t += gap;
            const fits = bruteFits(windows, taken, t, cost);
            /** The earliest time reported is admissible, and the millisecond before it is not. */
            const checkEarliest = (earliest: number) => {
              expect(earliest >= t).toBe(true);
              expect(earliest === t).toBe(fits);
              if (earliest === Number.POSITIVE_INFINITY) {
                expect(windows.some((w) => w.tokens !== undefined && cost > w.tokens)).toBe(true);
                return;
              }
              expect(bruteFits(windows, taken, earliest, cost)).toBe(true);
              if (earliest > t) expect(bruteFits(windows, taken, earliest - 1, cost)).toBe(false);
            };
            // Sometimes ask first: asking must not change the answer.
            const earliest = peek ? earliestTake(budget, cost, t) : undefined;
            if (earliest !== undefined) checkEarliest(earliest);

            const result = tryTake(budget, cost, t);
            expect(result.ok).toBe(fits);
            if (result.ok) {
              expect(result.at).toBe(t);
              const entry: Taken = { at: t, tokens: cost };
              taken.push(entry);
              if (actualShare !== undefined) {
                entry.tokens = Math.floor(cost * actualShare);
                reconcileTake(budget, result, entry.tokens);
              }
            } else {
              checkEarliest(result.retryAt);
              if (earliest !== undefined) expect(result.retryAt).toBe(earliest);
              expect(result.reason).toBe(
                result.retryAt === Number.POSITIVE_INFINITY ? 'never' : 'window',
              );
            }
          }
          for (const w of windows) {
            const worst = worstWindow(taken, w.per);
            if (w.requests !== undefined) expect(worst.requests).toBeLessThanOrEqual(w.requests);
            if (w.tokens !== undefined) expect(worst.tokens).toBeLessThanOrEqual(w.tokens);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('with a safety margin, no window of length per + margin ever holds more than the limit', () => {
    fc.assert(
      fc.property(
        fc.array(windowArb, { minLength: 1, maxLength: 3 }),
        fc.array(arrivalArb, { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 0, max: 30 }),
        (windows, arrivals, margin) => {
          const budget = createBudget(normalizeLimits({ windows }), {
            timeZone: 'UTC',
            safetyMarginMs: margin,
          });
          const widened = windows.map((w) => ({ ...w, per: w.per + margin }));
          const taken: Taken[] = [];
          let t = start;
          for (const { gap, cost } of arrivals) {
            t += gap;
            const result = tryTake(budget, cost, t);
            expect(result.ok).toBe(bruteFits(widened, taken, t, cost));
            if (result.ok) taken.push({ at: t, tokens: cost });
          }
          for (const w of widened) {
            const worst = worstWindow(taken, w.per);
            if (w.requests !== undefined) expect(worst.requests).toBeLessThanOrEqual(w.requests);
            if (w.tokens !== undefined) expect(worst.tokens).toBeLessThanOrEqual(w.tokens);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
