import { describe, expect, it } from 'vitest';
import { dayKeyOf, startOfNextDay } from '../../src/budget/index.js';
import { CompatClosedError, RateLimiter } from '../../src/compat/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { RequestFailedError } from '../../src/schedule/index.js';
import { createTestScheduler, ObservedScheduler } from '../support/virtual-time.js';
import { MARCH_8_LA_10AM } from './helpers.js';

/** Dispatch times of the limiter's underlying stream, relative to `start`. */
function dispatchTimes(limiter: RateLimiter, start: number): number[] {
  const times: number[] = [];
  limiter.pool.usage$.subscribe((event) => {
    if (event.type === 'dispatched') times.push(event.at - start);
  });
  return times;
}

/** Most dispatches in any span of `per` ms. */
function busiestWindow(times: readonly number[], per: number): number {
  let most = 0;
  for (let i = 0; i < times.length; i++) {
    let n = 0;
    for (let j = i; j < times.length && times[j]! < times[i]! + per; j++) n++;
    most = Math.max(most, n);
  }
  return most;
}

describe('RateLimiter in virtual time', () => {
  it("the seed's 10 RPM and 1000 a day, exact under 45 concurrent callers", async () => {
    const testScheduler = createTestScheduler();
    testScheduler.maxFrames = Number.POSITIVE_INFINITY;
    const clock = new ObservedScheduler(testScheduler, MARCH_8_LA_10AM);
    const limiter = new RateLimiter({
      requestsPerMinute: 10,
      requestsPerDay: 1000,
      scheduler: clock,
    });
    const times = dispatchTimes(limiter, MARCH_8_LA_10AM);
    const settled: number[] = [];
    const calls = Array.from({ length: 45 }, (_, i) =>
      limiter.waitIfNeeded().then(() => settled.push(i)),
    );
    expect(times).toHaveLength(10);
    expect(limiter.waiting).toBe(35);
    testScheduler.flush();
    await Promise.all(calls);
    expect(times).toEqual(Array.from({ length: 45 }, (_, i) => Math.floor(i / 10) * 60_000));
    expect(busiestWindow(times, 60_000)).toBe(10);
    expect(settled).toEqual(Array.from({ length: 45 }, (_, i) => i)); // first come, first served
    expect(clock.maxPending).toBe(1); // one timer, whatever the number of callers
  });

  it('waits for the next day (Pacific) when the daily quota is spent', async () => {
    const testScheduler = createTestScheduler();
    testScheduler.maxFrames = Number.POSITIVE_INFINITY;
    const clock = new ObservedScheduler(testScheduler, MARCH_8_LA_10AM);
    const limiter = new RateLimiter({
      requestsPerDay: 3,
      windows: [{ requests: 2, per: 1000 }],
      scheduler: clock,
    });
    const times = dispatchTimes(limiter, 0);
    const calls = Array.from({ length: 5 }, () => limiter.waitIfNeeded());
    testScheduler.flush();
    await Promise.all(calls);
    const midnight = startOfNextDay(MARCH_8_LA_10AM, 'America/Los_Angeles');
    expect(times).toEqual([
      MARCH_8_LA_10AM,
      MARCH_8_LA_10AM,
      MARCH_8_LA_10AM + 1000,
      midnight,
      midnight,
    ]);
    expect(dayKeyOf(midnight, 'America/Los_Angeles')).toBe('2026-03-09');
  });

  it("onDailyExhaustion 'fail' rejects with daily_quota_exhausted", async () => {
    const testScheduler = createTestScheduler();
    testScheduler.maxFrames = Number.POSITIVE_INFINITY;
    const clock = new ObservedScheduler(testScheduler, MARCH_8_LA_10AM);
    const limiter = new RateLimiter({
      requestsPerDay: 1,
      onDailyExhaustion: 'fail',
      scheduler: clock,
    });
    await limiter.waitIfNeeded();
    const error = await limiter.waitIfNeeded().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestFailedError);
    expect((error as RequestFailedError).kind).toBe('daily_quota_exhausted');
    expect((error as RequestFailedError).message).toMatch(/resets at 2026-03-09 00:00/);
  });

  it('counts tokens against a token window', async () => {
    const testScheduler = createTestScheduler();
    testScheduler.maxFrames = Number.POSITIVE_INFINITY;
    const clock = new ObservedScheduler(testScheduler, MARCH_8_LA_10AM);
    const limiter = new RateLimiter({ tokensPerMinute: 100, scheduler: clock });
    const times = dispatchTimes(limiter, MARCH_8_LA_10AM);
    const calls = [60, 30, 20, 90].map((tokens) => limiter.waitIfNeeded({ tokens }));
    testScheduler.flush();
    await Promise.all(calls);
    expect(times).toEqual([0, 0, 60_000, 120_000]);
    await expect(limiter.waitIfNeeded({ tokens: -1 })).rejects.toThrow(InvalidOptionError);
  });
});

describe('RateLimiter in real time', () => {
  it('limit(fn): 20 concurrent calls through 4 per 150 ms, exact and not slower', async () => {
    const limiter = new RateLimiter({ windows: [{ requests: 4, per: 150 }] });
    const start = Date.now();
    const times = dispatchTimes(limiter, start);
    const called: number[] = [];
    const target = {
      factor: 10,
      multiply(this: { factor: number }, n: number): Promise<number> {
        called.push(Date.now() - start);
        return Promise.resolve(n * this.factor);
      },
    };
    const limited = limiter.limit(target.multiply);
    const bound = { factor: 10, limited };
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => bound.limited(i)));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 10));
    expect(times).toHaveLength(20);
    // Exact: never more than 4 in any 150 ms of dispatch times...
    expect(busiestWindow(times, 150)).toBe(4);
    for (let i = 4; i < times.length; i++) {
      const gap = times[i]! - times[i - 4]!;
      expect(gap).toBeGreaterThanOrEqual(150);
      // ...and no slower than the timer allows.
      expect(gap).toBeLessThan(150 + 60);
    }
    // The functions run right after their dispatch (within a few ms of event-loop delay).
    expect(busiestWindow(called, 140)).toBeLessThanOrEqual(4);
    expect(Date.now() - start).toBeGreaterThanOrEqual(600);
  });

  it('waitIfNeeded from many concurrent callers, some arriving later', async () => {
    const limiter = new RateLimiter({ windows: [{ requests: 3, per: 100 }] });
    const start = Date.now();
    const times = dispatchTimes(limiter, start);
    const early = Array.from({ length: 6 }, () => limiter.waitIfNeeded());
    await new Promise((resolve) => setTimeout(resolve, 30));
    const late = Array.from({ length: 6 }, () => limiter.waitIfNeeded());
    await Promise.all([...early, ...late]);
    expect(times).toHaveLength(12);
    expect(busiestWindow(times, 100)).toBe(3);
  });

  it('close() rejects callers still waiting; no limit at all is a mistake', async () => {
    const limiter = new RateLimiter({ windows: [{ requests: 1, per: 60_000 }] });
    await limiter.waitIfNeeded();
    const waiting = limiter.waitIfNeeded();
    limiter.close();
    await expect(waiting).rejects.toBeInstanceOf(CompatClosedError);
    await expect(limiter.waitIfNeeded()).rejects.toBeInstanceOf(CompatClosedError);
    expect(() => new RateLimiter({})).toThrow(InvalidOptionError);
    expect(() => new RateLimiter({ requestsPerMinute: 0 })).toThrow(/requestsPerMinute/);
  });
});
