import type { QuotaTarget } from '../store/types.js';
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
  /** The key of the latest attempt; `undefined` before the first. */
  lastKey: string | undefined;
  /** The keys of the attempts before the latest, in order (only made on a second attempt). */
  earlierKeys: string[] | undefined;
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
    lastKey: undefined,
    earlierKeys: undefined,
  };
}

/** Notes that the entry's next attempt goes out on `keyName`. */
export function recordAttemptKey(entry: Entry<unknown>, keyName: string): void {
  if (entry.lastKey !== undefined) {
    if (entry.earlierKeys === undefined) entry.earlierKeys = [];
    entry.earlierKeys.push(entry.lastKey);
  }
  entry.lastKey = keyName;
}

/** Names of the keys an entry was sent on, in order (a key may appear more than once). */
export function keysTriedOf(entry: Entry<unknown>): string[] {
  if (entry.lastKey === undefined) return [];
  return entry.earlierKeys === undefined ? [entry.lastKey] : [...entry.earlierKeys, entry.lastKey];
}

/** The waiting requests of one model, in order, with what the store last said of them. */
export interface Lane<Req> {
  /** The model whose requests wait here. */
  readonly model: string;
  /** The model's quota target in each group, by group index. */
  readonly targets: readonly QuotaTarget[];
  readonly queue: Deque<Entry<Req>>;
  /** True while a shared store is deciding on this lane's head (one request at a time per lane). */
  acquiring: boolean;
  /** Do not ask the store again before this moment (after a shared store's refusal or error). */
  notBefore: number;
}
