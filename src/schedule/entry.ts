import type { Deque } from './deque.js';

/** One request on its way through the scheduler. */
export interface Entry<Req> {
  readonly request: Req;
  readonly model: string;
  readonly tokens: number;
  /** Attempts sent so far. */
  attempts: number;
  transientFailures: number;
  rateLimitedFailures: number;
  /** For a request in backoff: when it may go again. */
  readyAt: number;
  /** Names of the keys tried, in order. */
  keysTried: string[];
}

/** A new entry for a request that has not been sent yet. */
export function newEntry<Req>(request: Req, model: string, tokens: number): Entry<Req> {
  return {
    request,
    model,
    tokens,
    attempts: 0,
    transientFailures: 0,
    rateLimitedFailures: 0,
    readyAt: 0,
    keysTried: [],
  };
}

/** The waiting requests of one model, in order, with what the store last said of them. */
export interface Lane<Req> {
  readonly queue: Deque<Entry<Req>>;
  /** True while a shared store is deciding on this lane's head (one request at a time per lane). */
  acquiring: boolean;
  /** Do not ask the store again before this moment (after a shared store's refusal or error). */
  notBefore: number;
}
