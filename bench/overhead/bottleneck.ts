import Bottleneck from 'bottleneck';
import { lazySource } from '../support/lazy-source.js';
import { NON_BINDING, noopCall, type OverheadContender } from './config.js';

/**
 * Bottleneck as a user would set it up: a `Group` with one limiter per key
 * (its share of the concurrency, a per-minute reservoir that does not bind),
 * requests handed out round-robin; the source is pulled only while fewer than
 * two requests per slot are waiting (Bottleneck has no back-pressure of its own).
 */
export const bottleneckContender: OverheadContender = async ({ requests, keys, concurrency }) => {
  const perKey = Math.max(1, Math.floor(concurrency / keys));
  const group = new Bottleneck.Group({
    maxConcurrent: perKey,
    reservoir: NON_BINDING.requestsPerMinute,
    reservoirRefreshAmount: NON_BINDING.requestsPerMinute,
    reservoirRefreshInterval: 60_000,
  });
  const limiters = Array.from({ length: keys }, (_, index) => group.key(`key-${index}`));
  const highWater = concurrency * 2;
  let pending = 0;
  let done = 0;
  let wake: (() => void) | undefined;
  const settle = (): void => {
    pending--;
    done++;
    if (wake !== undefined && pending < highWater) {
      const resume = wake;
      wake = undefined;
      resume();
    }
  };
  let next = 0;
  for await (const _request of lazySource(requests)) {
    if (pending >= highWater) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    const limiter = limiters[next]!;
    next = next + 1 === keys ? 0 : next + 1;
    pending++;
    void limiter.schedule(noopCall).then(settle);
  }
  while (pending > 0) {
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  await group.disconnect(false);
  for (const limiter of limiters) await limiter.stop({ dropWaitingJobs: false });
  return done;
};
