/** How an overhead run is shaped; the same for every contender. */
export interface OverheadConfig {
  /** Requests to send. */
  readonly requests: number;
  /** Keys (one limiter or queue per key for the contenders that have them). */
  readonly keys: number;
  /** Most requests in flight over all keys. */
  readonly concurrency: number;
  /** Where keyrelay reads requests from (the others always pull the AsyncIterable). */
  readonly source: 'async-iterable' | 'observable';
}

/** A contender: sends every request through its scheduler to the no-op call; resolves with how many completed. */
export type OverheadContender = (config: OverheadConfig) => Promise<number>;

const ANSWER = Object.freeze({ text: 'ok' });

/** The no-op call: answers at once with an already-resolved promise. */
export function noopCall(): Promise<typeof ANSWER> {
  return Promise.resolve(ANSWER);
}

/** Limits far above what the run can reach, so that budgets are checked but never bind. */
export const NON_BINDING = {
  requestsPerMinute: 1_000_000_000_000,
  tokensPerMinute: 1_000_000_000_000,
  requestsPerDay: 1_000_000_000_000,
} as const;
