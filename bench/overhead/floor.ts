import { lazySource } from '../support/lazy-source.js';
import { noopCall, type OverheadContender } from './config.js';

/**
 * The floor: `concurrency` async workers, each pulling the next request from
 * the shared lazy source and awaiting the call. No keys, no budgets: what
 * any scheduler must cost at least.
 */
export const floor: OverheadContender = async ({ requests, concurrency }) => {
  const iterator = lazySource(requests)[Symbol.asyncIterator]();
  let done = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) return;
      await noopCall();
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done;
};
