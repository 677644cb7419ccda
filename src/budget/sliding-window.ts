import type { BucketLog } from './bucket-log.js';
import type { NormalizedWindow } from './normalize.js';
import { defaultSafetyMargin } from './safety-margin.js';

/**
 * The state of one sliding window over a budget's {@link BucketLog}: RPM,
 * TPM and every extra window are this one mechanism. A request of `n` tokens
 * may go at `t` iff, counting the requests recorded later than `t - span`,
 * there are fewer than `requestLimit` of them and their tokens plus `n` are
 * at most `tokenLimit`. Both checks are O(1) amortized: the window keeps
 * running sums and drops buckets from its head as they leave it.
 */
export interface SlidingWindow {
  /** Most requests in any span of `span` ms; `Infinity` when requests do not bind. */
  readonly requestLimit: number;
  /** Most input tokens in any span of `span` ms; `Infinity` when tokens do not bind. */
  readonly tokenLimit: number;
  /** The effective window length: `per` plus the safety margin, in ms. */
  readonly span: number;
  /** Sequence number of the oldest bucket still in the window. */
  head: number;
  /** Requests in the buckets from `head` on. */
  requests: number;
  /** Input tokens in the buckets from `head` on. */
  tokens: number;
}

/**
 * The state of `window`, empty.
 *
 * @param safetyMarginMs - Added to `per` (see {@link defaultSafetyMargin}).
 *   Default: `Math.min(1000, Math.ceil(per / 50))`.
 */
export function createSlidingWindow(
  window: NormalizedWindow,
  safetyMarginMs: number = defaultSafetyMargin(window.per),
): SlidingWindow {
  return {
    requestLimit: window.requests ?? Number.POSITIVE_INFINITY,
    tokenLimit: window.tokens ?? Number.POSITIVE_INFINITY,
    span: window.per + safetyMarginMs,
    head: 0,
    requests: 0,
    tokens: 0,
  };
}

/** Drop the buckets that have left the window at `now`. */
function evict(w: SlidingWindow, log: BucketLog, now: number): void {
  const cutoff = now - w.span;
  const capacity = log.times.length;
  let head = w.head;
  if (head === log.next || log.times[head % capacity]! > cutoff) return;
  do {
    const i = head % capacity;
    w.requests -= log.requests[i]!;
    w.tokens -= log.tokens[i]!;
    head++;
  } while (head < log.next && log.times[head % capacity]! <= cutoff);
  w.head = head;
  if (head === log.next) {
    // Empty: clear any floating-point drift in the sums.
    w.requests = 0;
    w.tokens = 0;
  }
}

/** True when a request of `tokens` may go at `now` as far as this window is concerned. */
export function windowAdmits(
  w: SlidingWindow,
  log: BucketLog,
  tokens: number,
  now: number,
): boolean {
  evict(w, log, now);
  return w.requests < w.requestLimit && w.tokens + tokens <= w.tokenLimit;
}

/**
 * The earliest time `>= now` this window admits a request of `tokens`, if
 * nothing else is recorded meanwhile; `Infinity` when `tokens` exceeds the
 * token limit (it never can).
 */
export function windowEarliest(
  w: SlidingWindow,
  log: BucketLog,
  tokens: number,
  now: number,
): number {
  if (tokens > w.tokenLimit) return Number.POSITIVE_INFINITY;
  evict(w, log, now);
  let requests = w.requests;
  let sum = w.tokens;
  if (requests < w.requestLimit && sum + tokens <= w.tokenLimit) return now;
  const capacity = log.times.length;
  let at = now;
  for (let seq = w.head; seq < log.next; seq++) {
    const i = seq % capacity;
    requests -= log.requests[i]!;
    sum -= log.tokens[i]!;
    at = log.times[i]!;
    if (requests < w.requestLimit && sum + tokens <= w.tokenLimit) break;
  }
  // Past the newest bucket the window is empty, and `tokens <= tokenLimit`.
  return Math.max(at + w.span, now);
}

/** Count one request of `tokens`, just recorded in the log (after {@link windowAdmits} said yes). */
export function windowRecord(w: SlidingWindow, tokens: number): void {
  w.requests += 1;
  w.tokens += tokens;
}

/** Add `delta` tokens for a request recorded in bucket `seq`, if that bucket is still in the window. */
export function windowCorrect(w: SlidingWindow, seq: number, delta: number): void {
  if (seq >= w.head) w.tokens += delta;
}
