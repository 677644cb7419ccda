import { from, type Observable } from 'rxjs';
import { KeyPool } from '../../src/pool/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { ScheduleResult } from '../../src/schedule/types.js';
import { type BenchRequest, lazySource, requestGenerator } from '../support/lazy-source.js';
import { NON_BINDING, noopCall, type OverheadContender } from './config.js';

/** A pool of `count` keys, each its own quota group, with budgets that do not bind. */
export function benchPool(count: number): KeyPool {
  const keys = Array.from({ length: count }, (_, index) => ({
    name: `BENCH_KEY_${index}`,
    secret: `bench-secret-${index}-0123456789`,
  }));
  return KeyPool.fromKeys('bench', keys, { limits: NON_BINDING });
}

/**
 * keyrelay's `schedule()` with usage events on (`pool.usage$` is subscribed),
 * pulling the lazy AsyncIterable (or, with `source: 'observable'`,
 * `from(generator)`, which pushes everything at once).
 */
export const keyrelayContender: OverheadContender = ({ requests, keys, concurrency, source }) =>
  new Promise((resolve, reject) => {
    const pool = benchPool(keys);
    let events = 0;
    const usage = pool.usage$.subscribe(() => {
      events++;
    });
    const input = source === 'observable' ? from(requestGenerator(requests)) : lazySource(requests);
    const results: Observable<ScheduleResult<BenchRequest, unknown>> = schedule<
      BenchRequest,
      unknown
    >(pool, noopCall, { concurrency, readAhead: concurrency })(input);
    let done = 0;
    results.subscribe({
      next: (result) => {
        if (result.ok) done++;
      },
      error: reject,
      complete: () => {
        usage.unsubscribe();
        if (events < done * 2)
          reject(new Error(`only ${events} usage events for ${done} requests`));
        else resolve(done);
      },
    });
  });
