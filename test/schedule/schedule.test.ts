import {
  asyncScheduler,
  EMPTY,
  map,
  merge,
  NEVER,
  type Observable,
  of,
  Subject,
  throwError,
  timer,
} from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import type { ApiKey } from '../../src/keys/index.js';
import { KeyPool, type KeyPoolOptions } from '../../src/pool/key-pool.js';
import {
  AllKeysDisabledError,
  type AttemptFailure,
  type CallContext,
  type ScheduleOptions,
  type ScheduleResult,
  schedule,
} from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/events.js';
import { createTestScheduler, ObservedScheduler } from '../support/virtual-time.js';

interface Req {
  readonly id: number;
  readonly model?: string;
}

function pool(
  keys: readonly [name: string, group?: string][],
  options: KeyPoolOptions = {},
): KeyPool {
  return KeyPool.fromKeys(
    'gemini',
    keys.map(([name, group], index) => ({
      name,
      secret: `secret-${index}-${name}`,
      ...(group ? { group } : {}),
    })),
    options,
  );
}

/** A call that answers after `latency` virtual ms with the request's id and the key used. */
function echo(latency = 10) {
  return (key: ApiKey, request: Req): Observable<string> =>
    timer(latency).pipe(map(() => `${request.id}@${key.name}`));
}

function failure(failureValue: AttemptFailure): Observable<never> {
  return throwError(() => failureValue);
}

/**
 * Runs `requests` through `schedule()` in virtual time (inside `TestScheduler.run`
 * the asyncScheduler is virtual) and returns the results
 * and usage events, with the observed scheduler for timer checks.
 */
function runVirtual<Res>(
  keyPool: KeyPool,
  call: (key: ApiKey, request: Req, context: CallContext) => Observable<Res>,
  source: (scheduler: ObservedScheduler) => Observable<Req>,
  options: Omit<ScheduleOptions<Req, Res>, 'scheduler'> = {},
  epochMs = 0,
) {
  const results: ScheduleResult<Req, Res>[] = [];
  const events: UsageEvent[] = [];
  let completedAt: number | undefined;
  let error: unknown;
  let scheduler!: ObservedScheduler;
  createTestScheduler().run(({ flush }) => {
    scheduler = new ObservedScheduler(asyncScheduler, epochMs);
    const usage = keyPool.usage$.subscribe((event) => events.push(event));
    source(scheduler)
      .pipe(schedule(keyPool, call, { ...options, scheduler }))
      .subscribe({
        next: (result) => results.push(result),
        error: (e: unknown) => {
          error = e;
        },
        complete: () => {
          completedAt = scheduler.now() - epochMs;
        },
      });
    flush();
    usage.unsubscribe();
  });
  return { results, events, completedAt, error, scheduler };
}

function requests(count: number, model?: string): Observable<Req> {
  return of(...Array.from({ length: count }, (_, id) => (model ? { id, model } : { id })));
}

function dispatchTimes(events: readonly UsageEvent[], group?: string): number[] {
  return events
    .filter((e) => e.type === 'dispatched' && (group === undefined || e.group === group))
    .map((e) => e.at);
}

describe('schedule(): sources', () => {
  it('completes at once on an empty source', () => {
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(EMPTY.pipe(schedule(pool([['K1']]), echo()))).toBe('|');
    });
  });

  it('never completes on a source that never completes', () => {
    createTestScheduler().run(({ expectObservable }) => {
      expectObservable(NEVER.pipe(schedule(pool([['K1']]), echo()))).toBe('-');
    });
  });

  it('errors when the source errors', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Req>('-#', undefined, new Error('boom'));
      expectObservable(source.pipe(schedule(pool([['K1']]), echo()))).toBe(
        '-#',
        undefined,
        new Error('boom'),
      );
    });
  });

  it('emits one result per request, answered in completion order, then completes', () => {
    createTestScheduler().run(({ cold, expectObservable }) => {
      const source = cold<Req>('a 1ms b 1ms |', { a: { id: 1 }, b: { id: 2 } });
      const out = source.pipe(
        schedule(pool([['K1'], ['K2']]), echo(5)),
        map((r) => (r.ok ? r.value : 'failed')),
      );
      // a at 0 and b at 2 answer 5 ms later; the source completes at 4 but the output waits for b.
      expectObservable(out).toBe('5ms x 1ms (y|)', { x: '1@K1', y: '2@K2' });
    });
  });

  it('pulls an AsyncIterable on demand, never far ahead of dispatch', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Req> {
      for (let id = 0; id < 10_000; id++) {
        pulled++;
        yield { id };
      }
    }
    const gate = new Subject<void>();
    const results: ScheduleResult<Req, string>[] = [];
    const subscription = schedule<Req, string>(pool([['K1']]), () => gate.pipe(map(() => 'x')), {
      concurrency: 4,
      readAhead: 8,
    })(source()).subscribe((r) => results.push(r));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pulled).toBeLessThanOrEqual(4 + 8 + 1);
    expect(pulled).toBeGreaterThanOrEqual(4);
    subscription.unsubscribe();
    expect(results).toEqual([]);
  });

  it('counts a call answered by a thenable that calls back twice as one answer', async () => {
    let inCall = 0;
    let mostInCall = 0;
    const pending: (() => void)[] = [];
    // A hand-made thenable that settles twice: fulfilled, then rejected and fulfilled again.
    const call = (): PromiseLike<string> => {
      inCall++;
      mostInCall = Math.max(mostInCall, inCall);
      return {
        // biome-ignore lint/suspicious/noThenProperty: a thenable is what this test is about.
        then(onFulfilled, onRejected) {
          pending.push(() => {
            inCall--;
            onFulfilled?.('first');
            onRejected?.(new Error('late'));
            onFulfilled?.('second');
          });
          return undefined as never;
        },
      };
    };
    const results: ScheduleResult<Req, string>[] = [];
    let completed = false;
    schedule<Req, string>(pool([['K1']]), call, { concurrency: 1 })(requests(3)).subscribe({
      next: (result) => results.push(result),
      complete: () => {
        completed = true;
      },
    });
    while (pending.length > 0) pending.shift()!();
    await new Promise((resolve) => setImmediate(resolve));
    // Counting the extra callbacks as answers would let two calls run at once.
    expect(mostInCall).toBe(1);
    expect(results.map((r) => (r.ok ? r.value : 'failed'))).toEqual(['first', 'first', 'first']);
    expect(completed).toBe(true);
  });
});

describe('schedule(): budgets in virtual time', () => {
  it('keeps every sliding window exact: never more than the limit in any window', () => {
    const keyPool = pool([['K1']], {
      limits: { windows: [{ requests: 2, per: 1000 }] },
      safetyMarginMs: 0,
    });
    const { results, events, completedAt } = runVirtual(keyPool, echo(10), () => requests(5));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(dispatchTimes(events)).toEqual([0, 0, 1000, 1000, 2000]);
    expect(completedAt).toBe(2010);
  });

  it('adds the safety margin to every window', () => {
    const keyPool = pool([['K1']], {
      limits: { windows: [{ requests: 1, per: 1000 }] },
      safetyMarginMs: 50,
    });
    const { events } = runVirtual(keyPool, echo(10), () => requests(3));
    expect(dispatchTimes(events)).toEqual([0, 1050, 2100]);
  });

  it('spends groups round-robin and shares one budget between keys of one group', () => {
    const keyPool = pool(
      [
        ['A1', 'a'],
        ['A2', 'a'],
        ['B1', 'b'],
      ],
      { limits: { windows: [{ requests: 2, per: 1000 }] }, safetyMarginMs: 0 },
    );
    const { results, events } = runVirtual(keyPool, echo(10), () => requests(8));
    expect(results).toHaveLength(8);
    expect(dispatchTimes(events, 'a')).toEqual([0, 0, 1000, 1000]);
    expect(dispatchTimes(events, 'b')).toEqual([0, 0, 1000, 1000]);
    const firstRound = events
      .filter((e) => e.type === 'dispatched' && e.at === 0)
      .map((e) => e.key);
    expect(firstRound).toEqual(['A1', 'A2', 'B1', 'B1']);
  });

  it('never holds more than one timer, however many requests wait', () => {
    const keyPool = pool([['K1'], ['K2']], {
      limits: { windows: [{ requests: 1, per: 100 }] },
      safetyMarginMs: 0,
    });
    const { results, scheduler } = runVirtual(keyPool, echo(1), () => requests(200));
    expect(results).toHaveLength(200);
    expect(scheduler.maxPending).toBe(1);
    expect(scheduler.pending).toBe(0);
    expect(scheduler.scheduled).toBeLessThan(110);
  });

  it('corrects the token budget with the real count from the response', () => {
    const keyPool = pool([['K1']], {
      limits: { windows: [{ tokens: 100, per: 1000 }] },
      safetyMarginMs: 0,
    });
    const call = (_key: ApiKey, request: Req) =>
      timer(10).pipe(map(() => ({ id: request.id, input: 95 })));
    const { events } = runVirtual(keyPool, call, () => requests(2), {
      estimateTokens: () => 10,
      readUsage: (response) => ({ inputTokens: response.input, outputTokens: 1 }),
    });
    // Both fit the estimate (10 + 10) at 0; the real counts (95 + 95) are booked after.
    expect(dispatchTimes(events)).toEqual([0, 0]);
    const keyPool2 = pool([['K1']], {
      limits: { windows: [{ tokens: 100, per: 1000 }] },
      safetyMarginMs: 0,
    });
    const { events: events2 } = runVirtual(
      keyPool2,
      call,
      () => merge(timer(20).pipe(map(() => ({ id: 9 }))), timer(40).pipe(map(() => ({ id: 10 })))),
      {
        estimateTokens: () => 10,
        readUsage: (response) => ({ inputTokens: response.input, outputTokens: 1 }),
      },
    );
    // The first request's 95 real tokens (booked at 30) leave no room for the second (at 40) until 20 + 1000.
    expect(dispatchTimes(events2)).toEqual([20, 1020]);
  });

  it('fails a request larger than every token window at once, as too_large', () => {
    const keyPool = pool([['K1']], { limits: { tokensPerMinute: 100 } });
    const { results, completedAt } = runVirtual(keyPool, echo(1), () => requests(1), {
      estimateTokens: () => 101,
    });
    expect(results).toHaveLength(1);
    expect(results[0]!.ok).toBe(false);
    expect(!results[0]!.ok && results[0]!.error.kind).toBe('too_large');
    expect(completedAt).toBe(0);
  });
});

describe('schedule(): failures', () => {
  it('cools the group for the server retry delay after a per-minute 429 and retries first', () => {
    const keyPool = pool([['K1'], ['K2']].map(([n]) => [n!, 'shared'] as [string, string]));
    let calls = 0;
    const call = (key: ApiKey, request: Req) => {
      calls++;
      return calls === 1
        ? failure({ kind: 'rate_limited', message: '429', retryAfterMs: 700 })
        : timer(10).pipe(map(() => `${request.id}@${key.name}`));
    };
    const { results, events } = runVirtual(keyPool, call, () => requests(2), { concurrency: 1 });
    expect(results.map((r) => r.ok && r.value)).toEqual(['0@K2', '1@K1']);
    expect(results[0]!.attempts).toBe(2);
    expect(
      events.filter((e) => e.type === 'cooled').map((e) => e.type === 'cooled' && e.until),
    ).toEqual([700]);
    expect(dispatchTimes(events)).toEqual([0, 700, 710]);
    expect(events.some((e) => e.type === 'resumed')).toBe(true);
  });

  it('after a 429 sends the request on a key of another group at once', () => {
    const keyPool = pool([
      ['A1', 'a'],
      ['B1', 'b'],
    ]);
    const call = (key: ApiKey, request: Req) =>
      key.name === 'A1'
        ? failure({ kind: 'rate_limited', message: '429', retryAfterMs: 5000 })
        : of(`${request.id}@${key.name}`);
    const { results, events } = runVirtual(keyPool, call, () => requests(3));
    expect(results.every((r) => r.ok && r.key === 'B1')).toBe(true);
    expect(dispatchTimes(events)).toEqual([0, 0, 0, 0]);
  });

  it('parks the group until the next Pacific midnight after a per-day 429, also on a DST day', () => {
    // 2026-11-01 is 25 hours long in America/Los_Angeles: 00:00 PDT (07:00Z) to 00:00 PST on 11-02 (08:00Z).
    const start = Date.parse('2026-11-01T20:00:00Z'); // 13:00 PDT... DST ended at 09:00Z, so 12:00 PST.
    const nextMidnight = Date.parse('2026-11-02T08:00:00Z');
    const keyPool = pool([['K1']]);
    let calls = 0;
    const call = (_key: ApiKey, request: Req) => {
      calls++;
      return calls === 1
        ? failure({ kind: 'rate_limited', message: 'per day', perDay: true, retryAfterMs: 20_000 })
        : of(`${request.id}`);
    };
    const { results, events, scheduler } = runVirtual(keyPool, call, () => requests(1), {}, start);
    expect(results[0]!.ok).toBe(true);
    const parked = events.find((e) => e.type === 'parked');
    expect(parked?.type === 'parked' && parked.until).toBe(nextMidnight);
    expect(dispatchTimes(events)).toEqual([start, nextMidnight]);
    expect(calls).toBe(2);
    expect(scheduler.maxPending).toBe(1);
  });

  it('with onDailyExhaustion "fail", fails waiting requests at once saying when the quota resets', () => {
    const keyPool = pool([['K1']], { limits: { requestsPerDay: 2 } });
    const start = Date.parse('2026-03-08T18:00:00Z');
    const { results, completedAt } = runVirtual(
      keyPool,
      echo(5),
      () => requests(4),
      { onDailyExhaustion: 'fail' },
      start,
    );
    expect(results.filter((r) => r.ok)).toHaveLength(2);
    const failed = results.filter((r) => !r.ok);
    expect(failed).toHaveLength(2);
    for (const result of failed) {
      expect(!result.ok && result.error.kind).toBe('daily_quota_exhausted');
      expect(!result.ok && result.error.message).toContain('2026-03-09 00:00 America/Los_Angeles');
    }
    expect(completedAt).toBe(5);
  });

  it('by default waits for the day reset when the daily quota is spent', () => {
    // 2026-03-08 is 23 hours long in Los Angeles; the next midnight is 2026-03-09T07:00Z (PDT).
    const start = Date.parse('2026-03-08T18:00:00Z');
    const keyPool = pool([['K1']], { limits: { requestsPerDay: 1 } });
    const { events } = runVirtual(keyPool, echo(5), () => requests(2), {}, start);
    expect(dispatchTimes(events)).toEqual([start, Date.parse('2026-03-09T07:00:00Z')]);
  });

  it('backs off with jitter after transient failures, up to maxAttempts', () => {
    const keyPool = pool([['K1']]);
    const call = () => failure({ kind: 'transient', message: '503 overloaded', status: 503 });
    const { results, events } = runVirtual(keyPool, call, () => requests(1), {
      maxAttempts: 4,
      backoff: { initialMs: 100, maxMs: 250, factor: 2 },
      random: () => 0.5,
    });
    expect(results).toHaveLength(1);
    const result = results[0]!;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.kind).toBe('transient');
    expect(!result.ok && result.error.status).toBe(503);
    expect(result.attempts).toBe(4);
    // Ceilings 100, 200, 250 (capped); half of each with random 0.5.
    expect(dispatchTimes(events)).toEqual([0, 50, 150, 275]);
  });

  it('names every key a failed request was tried on, in order', () => {
    const keyPool = pool([['K1'], ['K2']]);
    const call = () => failure({ kind: 'transient', message: '503', status: 503 });
    const { results } = runVirtual(keyPool, call, () => requests(1), {
      maxAttempts: 3,
      backoff: { initialMs: 10, maxMs: 10 },
      random: () => 0,
    });
    const result = results[0]!;
    expect(!result.ok && result.keysTried).toEqual(['K1', 'K2', 'K1']);
  });

  it('fails a permanent error at once without retrying', () => {
    const keyPool = pool([['K1']]);
    const { results, events } = runVirtual(
      keyPool,
      () => failure({ kind: 'permanent', message: 'bad request', status: 400 }),
      () => requests(1),
    );
    expect(results[0]!.attempts).toBe(1);
    expect(!results[0]!.ok && results[0]!.error.kind).toBe('permanent');
    expect(events.filter((e) => e.type === 'failed' && e.final)).toHaveLength(1);
  });

  it('disables an invalid key and re-queues its request on another key', () => {
    const keyPool = pool([['BAD'], ['GOOD']]);
    const call = (key: ApiKey, request: Req) =>
      key.name === 'BAD'
        ? failure({ kind: 'invalid_key', message: 'API key not valid' })
        : of(`${request.id}@${key.name}`);
    const { results, events } = runVirtual(keyPool, call, () => requests(4));
    expect(results.map((r) => r.ok && r.value).sort()).toEqual([
      '0@GOOD',
      '1@GOOD',
      '2@GOOD',
      '3@GOOD',
    ]);
    expect(events.filter((e) => e.type === 'disabled').map((e) => e.key)).toEqual(['BAD']);
    expect(events.filter((e) => e.type === 'dispatched' && e.key === 'BAD')).toHaveLength(1);
  });

  it('errors with the name and reason of every key when all are disabled', () => {
    const keyPool = pool([['K1'], ['K2']]);
    const { error, results } = runVirtual(
      keyPool,
      () => failure({ kind: 'invalid_key', message: 'API key not valid' }),
      () => requests(3),
    );
    expect(results).toEqual([]);
    expect(error).toBeInstanceOf(AllKeysDisabledError);
    expect((error as Error).message).toMatch(/K1 \(API key not valid\); K2 \(API key not valid\)/);
  });

  it('never puts a secret in a failure message, event or error', () => {
    const keyPool = KeyPool.fromKeys('gemini', [
      { name: 'K1', secret: 'AIzaSyFAKE-secret-value-123' },
    ]);
    const call = (key: ApiKey) =>
      failure({ kind: 'permanent', message: `request with key=${key.reveal()} failed` });
    const { results, events } = runVirtual(keyPool, call, () => requests(1));
    const text = JSON.stringify({
      results,
      events,
      message: !results[0]!.ok && results[0]!.error.message,
    });
    expect(text).not.toContain('AIzaSyFAKE-secret-value-123');
    expect(text).toContain('key=<K1>');
  });
});

describe('schedule(): teardown', () => {
  it('aborts calls in flight and cancels the timer on unsubscribe', () => {
    createTestScheduler().run(({ flush }) => {
      const scheduler = new ObservedScheduler(asyncScheduler);
      const keyPool = pool([['K1']], {
        limits: { windows: [{ requests: 1, per: 1000 }] },
        safetyMarginMs: 0,
      });
      const signals: AbortSignal[] = [];
      let dispatched = 0;
      const call = (_key: ApiKey, _request: Req, context: CallContext) => {
        dispatched++;
        signals.push(context.signal);
        return timer(500).pipe(map(() => 'late'));
      };
      const results: unknown[] = [];
      const subscription = requests(3)
        .pipe(schedule(keyPool, call, { scheduler }))
        .subscribe((r) => results.push(r));
      expect(scheduler.pending).toBe(1);
      subscription.unsubscribe();
      expect(signals[0]!.aborted).toBe(true);
      expect(scheduler.pending).toBe(0);
      flush();
      expect(dispatched).toBe(1);
      expect(results).toEqual([]);
    });
  });
});

describe('schedule(): options', () => {
  const keyPool = pool([['K1']]);
  it.each([
    ['concurrency', { concurrency: 0 }],
    ['concurrency', { concurrency: -1 }],
    ['concurrency', { concurrency: Number.NaN }],
    ['concurrency', { concurrency: 1.5 }],
    ['maxAttempts', { maxAttempts: 0 }],
    ['readAhead', { readAhead: 0 }],
    ['backoff.initialMs', { backoff: { initialMs: -5 } }],
    ['backoff.factor', { backoff: { factor: 0.5 } }],
    ['onDailyExhaustion', { onDailyExhaustion: 'later' as never }],
  ])('rejects a bad %s at construction, naming it', (name, options) => {
    expect(() => schedule(keyPool, echo(), options as ScheduleOptions<Req, string>)).toThrow(
      InvalidOptionError,
    );
    expect(() => schedule(keyPool, echo(), options as ScheduleOptions<Req, string>)).toThrow(
      `\`${name}\``,
    );
  });

  it.each([
    ['limits.requestsPerMinute', { limits: { requestsPerMinute: 0 } }],
    ['limits.tokensPerMinute', { limits: { tokensPerMinute: -3 } }],
    ['limits.requestsPerDay', { limits: { requestsPerDay: Number.NaN } }],
    ['limits.requestsPerMinute', { limits: { requestsPerMinute: 2.5 } }],
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
  ])('rejects a bad %s when the pool is built, naming it', (name, options) => {
    expect(() => pool([['K1']], options as KeyPoolOptions)).toThrow(InvalidOptionError);
    expect(() => pool([['K1']], options as KeyPoolOptions)).toThrow(name);
  });
});
