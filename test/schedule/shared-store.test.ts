import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { KeyPool } from '../../src/pool/key-pool.js';
import { schedule } from '../../src/schedule/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { BudgetStore, FirstAdmission, QuotaTarget } from '../../src/store/types.js';
import type { UsageEvent } from '../../src/usage/events.js';

/**
 * A store that answers like a shared one (with promises, after a network
 * hop), over the in-memory logic; it can be made unreachable for a while.
 * The real shared store (Redis) has its own tests against a real server; this
 * one checks the scheduler's side of the contract: one request at a time per
 * lane, nothing dispatched without a reservation, and recovery.
 */
class PromiseStore implements BudgetStore {
  readonly inner = new MemoryStore({
    limits: { windows: [{ requests: 2, per: 200 }] },
    safetyMarginMs: 0,
  });
  readonly timeZone = this.inner.timeZone;
  down = false;
  calls = 0;
  /** The moments budget was taken (the scheduler's `now` when it asked). */
  readonly admittedAt: number[] = [];
  failures = 0;

  acquireFirst(
    targets: readonly QuotaTarget[],
    tokens: number,
    now: number,
  ): Promise<FirstAdmission> {
    this.calls++;
    const copy = [...targets];
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        if (this.down) {
          this.failures++;
          reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'));
        } else {
          const answer = this.inner.acquireFirst(copy, tokens, now);
          if (answer.ok) this.admittedAt.push(now);
          resolve(answer);
        }
      });
    });
  }
  tryAcquire = (...args: Parameters<MemoryStore['tryAcquire']>) =>
    Promise.resolve(this.inner.tryAcquire(...args));
  reconcile = (...args: Parameters<MemoryStore['reconcile']>) =>
    Promise.resolve(this.inner.reconcile(...args));
  hold = (...args: Parameters<MemoryStore['hold']>) => Promise.resolve(this.inner.hold(...args));
  holdOf = (...args: Parameters<MemoryStore['holdOf']>) =>
    Promise.resolve(this.inner.holdOf(...args));
  usageOn = (...args: Parameters<MemoryStore['usageOn']>) =>
    Promise.resolve(this.inner.usageOn(...args));
  seedDay = (...args: Parameters<MemoryStore['seedDay']>) =>
    Promise.resolve(this.inner.seedDay(...args));
  disableKey = (...args: Parameters<MemoryStore['disableKey']>) =>
    Promise.resolve(this.inner.disableKey(...args));
  disabledReason = (name: string) => this.inner.disabledReason(name);
}

describe('schedule() with a store that answers with promises', () => {
  it('keeps the windows exact and answers every request', async () => {
    const store = new PromiseStore();
    const pool = KeyPool.fromKeys(
      'gemini',
      [
        { name: 'K1', secret: 's1' },
        { name: 'K2', secret: 's2', group: 'K1' },
      ],
      {
        store,
      },
    );
    const dispatched: number[] = [];
    pool.usage$.subscribe((event) => {
      if (event.type === 'dispatched') dispatched.push(event.at);
    });
    const results = await firstValueFrom(
      from(Array.from({ length: 6 }, (_, id) => ({ id }))).pipe(
        schedule(pool, async (key, request) => `${request.id}@${key.name}`),
        toArray(),
      ),
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true, true]);
    // Budget is taken in windows of 2 per 200 ms; each request goes out after its reservation
    // (the safety margin, 0 here, is what covers the hop between the two on a real network).
    const taken = store.admittedAt;
    expect(taken).toHaveLength(6);
    for (const at of taken)
      expect(taken.filter((t) => t >= at && t < at + 200).length).toBeLessThanOrEqual(2);
    expect(taken.at(-1)! - taken[0]!).toBeGreaterThanOrEqual(400);
    for (const [i, at] of dispatched.entries()) expect(at).toBeGreaterThanOrEqual(taken[i]!);
  });

  it('dispatches nothing while the store is unreachable, says so, and goes on when it is back', async () => {
    const store = new PromiseStore();
    store.down = true;
    const pool = KeyPool.fromKeys('gemini', [{ name: 'K1', secret: 's1' }], { store });
    const events: UsageEvent[] = [];
    pool.usage$.subscribe((event) => events.push(event));
    let calls = 0;
    const done = firstValueFrom(
      from([{ id: 1 }, { id: 2 }]).pipe(
        schedule(pool, async (_key, request) => {
          calls++;
          return request.id;
        }),
        toArray(),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(calls).toBe(0);
    expect(store.failures).toBeGreaterThanOrEqual(2);
    const storeErrors = events.filter((e) => e.type === 'store_error');
    expect(storeErrors.length).toBe(store.failures);
    expect(storeErrors[0]!.type === 'store_error' && storeErrors[0]!.message).toContain(
      'ECONNREFUSED',
    );
    store.down = false;
    const results = await done;
    expect(results.map((r) => r.ok && r.value).sort()).toEqual([1, 2]);
    expect(calls).toBe(2);
  });
});
