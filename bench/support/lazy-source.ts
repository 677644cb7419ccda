/** One request of the synthetic workloads: small, so that only scheduling costs. */
export interface BenchRequest {
  readonly id: number;
  readonly prompt: string;
}

const PROMPT = 'Say hi.';

/**
 * `count` requests as an AsyncIterable that makes each one only when asked
 * (`next()` answers with an already-resolved promise): the lazy source every
 * contender pulls from, so none of them sees the whole workload at once.
 * `count` may be `Infinity` (an endless demand, for runs of fixed duration).
 */
export function lazySource(count: number, prompt = PROMPT): AsyncIterable<BenchRequest> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<BenchRequest> {
      let next = 0;
      return {
        next: () =>
          Promise.resolve(
            next < count
              ? { done: false as const, value: { id: next++, prompt } }
              : { done: true as const, value: undefined },
          ),
        return: () => {
          next = count;
          return Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}

/** The same requests from a synchronous generator (for `from(generator)` sources). */
export function* requestGenerator(count: number, prompt = PROMPT): Generator<BenchRequest> {
  for (let id = 0; id < count; id++) yield { id, prompt };
}
