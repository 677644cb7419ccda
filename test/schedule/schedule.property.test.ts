import fc from 'fast-check';
import { asyncScheduler, map, merge, type Observable, throwError, timer } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ApiKey } from '../../src/keys/index.js';
import { KeyPool } from '../../src/pool/key-pool.js';
import { type AttemptFailure, type ScheduleResult, schedule } from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/events.js';
import { createTestScheduler, ObservedScheduler } from '../support/virtual-time.js';

interface Req {
  readonly id: number;
  readonly tokens: number;
}

interface Scenario {
  keyCount: number;
  groupCount: number;
  requests: number;
  per: number;
  tokenLimit: number | undefined;
  arrivals: { at: number; tokens: number }[];
  latency: number;
  /** Per call, by call number: what goes wrong, if anything. */
  faults: ('ok' | 'rate_limited' | 'transient' | 'permanent')[];
  badFirstKey: boolean;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    keyCount: fc.integer({ min: 1, max: 6 }),
    groupCount: fc.integer({ min: 1, max: 3 }),
    requests: fc.integer({ min: 1, max: 5 }),
    per: fc.integer({ min: 50, max: 1000 }),
    tokenLimit: fc.option(fc.integer({ min: 50, max: 200 }), { nil: undefined }),
    arrivals: fc.array(
      fc.record({ at: fc.integer({ min: 0, max: 3000 }), tokens: fc.integer({ min: 1, max: 50 }) }),
      {
        minLength: 1,
        maxLength: 40,
      },
    ),
    latency: fc.integer({ min: 1, max: 40 }),
    faults: fc.array(fc.constantFrom('ok', 'ok', 'ok', 'rate_limited', 'transient', 'permanent'), {
      maxLength: 60,
    }),
    badFirstKey: fc.boolean(),
  })
  .map((s) => ({
    ...s,
    groupCount: Math.min(s.groupCount, s.keyCount),
    badFirstKey: s.badFirstKey && s.keyCount > 1,
  }));

function run(s: Scenario) {
  const events: UsageEvent[] = [];
  const results: ScheduleResult<Req, number>[] = [];
  let error: unknown;
  let completed = false;
  createTestScheduler().run(({ flush }) => {
    const scheduler = new ObservedScheduler(asyncScheduler);
    const pool = KeyPool.fromKeys(
      'gemini',
      Array.from({ length: s.keyCount }, (_, i) => ({
        name: `K${i}`,
        secret: `secret-${i}`,
        group: `g${i % s.groupCount}`,
      })),
      {
        limits: {
          windows: [
            {
              requests: s.requests,
              per: s.per,
              ...(s.tokenLimit === undefined ? {} : { tokens: s.tokenLimit }),
            },
          ],
        },
        safetyMarginMs: 0,
      },
    );
    pool.usage$.subscribe((event) => events.push(event));
    let callNumber = 0;
    const call = (key: ApiKey, request: Req): Observable<number> => {
      const fault = s.faults[callNumber++] ?? 'ok';
      if (s.badFirstKey && key.name === 'K0')
        return throwError((): AttemptFailure => ({ kind: 'invalid_key', message: 'bad' }));
      if (fault === 'ok') return timer(s.latency).pipe(map(() => request.id));
      const failure: AttemptFailure =
        fault === 'rate_limited'
          ? { kind: fault, message: '429', retryAfterMs: s.per / 2 }
          : { kind: fault, message: fault };
      return timer(s.latency).pipe(
        map(() => {
          throw failure;
        }),
      );
    };
    const source = merge(
      ...s.arrivals.map((arrival, id) =>
        timer(arrival.at).pipe(map((): Req => ({ id, tokens: arrival.tokens }))),
      ),
    );
    source
      .pipe(
        schedule(pool, call, {
          scheduler,
          estimateTokens: (request) => request.tokens,
          maxAttempts: 3,
          backoff: { initialMs: 10, maxMs: 100 },
          random: () => 0.5,
        }),
      )
      .subscribe({
        next: (result) => results.push(result),
        error: (e: unknown) => {
          error = e;
        },
        complete: () => {
          completed = true;
        },
      });
    flush();
  });
  return { events, results, error, completed };
}

describe('schedule(): properties over random pools, limits, arrivals and failures', () => {
  it('never exceeds any window of any group, and answers every request exactly once', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { events, results, error, completed } = run(s);
        expect(error).toBeUndefined();
        expect(completed).toBe(true);
        // (2) exactly one result per request
        const ids = results.map((r) => r.request.id).sort((a, b) => a - b);
        expect(ids).toEqual(s.arrivals.map((_, id) => id));
        // (1) no group exceeds its window, in requests or tokens
        const dispatched = events.filter((e) => e.type === 'dispatched');
        for (let g = 0; g < s.groupCount; g++) {
          const mine = dispatched.filter((e) => e.group === `g${g}`);
          for (const first of mine) {
            const inWindow = mine.filter((e) => e.at >= first.at && e.at < first.at + s.per);
            expect(inWindow.length).toBeLessThanOrEqual(s.requests);
            if (s.tokenLimit !== undefined) {
              const tokens = inWindow.reduce(
                (sum, e) => sum + (e.type === 'dispatched' ? e.estimatedTokens : 0),
                0,
              );
              expect(tokens).toBeLessThanOrEqual(s.tokenLimit);
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('reaches the ceiling: with work waiting, every group dispatches its full window each window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 10, max: 1000 }),
        (groups, perWindow, count, per) => {
          const s: Scenario = {
            keyCount: groups,
            groupCount: groups,
            requests: perWindow,
            per,
            tokenLimit: undefined,
            arrivals: Array.from({ length: count }, () => ({ at: 0, tokens: 1 })),
            latency: 1,
            faults: [],
            badFirstKey: false,
          };
          const { events, results } = run(s);
          expect(results.every((r) => r.ok)).toBe(true);
          const times = events.filter((e) => e.type === 'dispatched').map((e) => e.at);
          // K groups × limit per window: request i goes in window floor(i / (groups × perWindow)), at its start.
          const expected = Array.from(
            { length: count },
            (_, i) => Math.floor(i / (groups * perWindow)) * per,
          );
          expect(times).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
