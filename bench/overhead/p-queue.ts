import PQueue from 'p-queue';
import { lazySource } from '../support/lazy-source.js';
import { NON_BINDING, noopCall, type OverheadContender } from './config.js';

/**
 * p-queue as a user would set it up: one queue per key (its share of the
 * concurrency, a per-minute cap that does not bind), requests handed out
 * round-robin, waiting with `onSizeLessThan` so the source is pulled lazily.
 */
export const pQueueContender: OverheadContender = async ({ requests, keys, concurrency }) => {
  const perKey = Math.max(1, Math.floor(concurrency / keys));
  const queues = Array.from(
    { length: keys },
    () =>
      new PQueue({
        concurrency: perKey,
        intervalCap: NON_BINDING.requestsPerMinute,
        interval: 60_000,
      }),
  );
  let done = 0;
  const count = (): void => {
    done++;
  };
  let next = 0;
  for await (const _request of lazySource(requests)) {
    const queue = queues[next]!;
    next = next + 1 === keys ? 0 : next + 1;
    if (queue.size >= perKey) await queue.onSizeLessThan(perKey);
    void queue.add(noopCall).then(count);
  }
  await Promise.all(queues.map((queue) => queue.onIdle()));
  return done;
};
