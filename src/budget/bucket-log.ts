/**
 * The dispatch history of one budget, shared by all its sliding windows: a
 * ring buffer of buckets, one per distinct dispatch time, each with the
 * number of requests and input tokens recorded at that time.
 *
 * Requests recorded at the same millisecond share a bucket, so the memory a
 * window needs is bounded by the distinct times in its span (at most
 * `span` buckets at millisecond resolution), never by its limit; counting
 * stays exact. Buckets are addressed by a sequence number that only grows;
 * the bucket `seq` lives at index `seq % capacity`.
 */
export interface BucketLog {
  /** Each bucket's time (ms since the epoch). */
  times: Float64Array;
  /** Requests recorded in each bucket. */
  requests: Float64Array;
  /** Input tokens recorded in each bucket (corrected by reconciliation). */
  tokens: Float64Array;
  /** Sequence number of the oldest bucket still stored. */
  first: number;
  /** Sequence number the next bucket will get; the newest is `next - 1`. */
  next: number;
}

const INITIAL_CAPACITY = 16;

/** An empty log. */
export function createBucketLog(): BucketLog {
  return {
    times: new Float64Array(INITIAL_CAPACITY),
    requests: new Float64Array(INITIAL_CAPACITY),
    tokens: new Float64Array(INITIAL_CAPACITY),
    first: 0,
    next: 0,
  };
}

/**
 * Record one request of `tokens` at `at` (not before the newest bucket's
 * time) and return its bucket's sequence number.
 *
 * @param oldestNeeded - Called when the ring is full: the oldest sequence
 *   number any window still counts; the buckets before it are dropped
 *   before the ring grows.
 */
export function logRecord(
  log: BucketLog,
  at: number,
  tokens: number,
  oldestNeeded: () => number,
): number {
  const capacity = log.times.length;
  if (log.next > log.first) {
    const newest = (log.next - 1) % capacity;
    if (log.times[newest] === at) {
      log.requests[newest]! += 1;
      log.tokens[newest]! += tokens;
      return log.next - 1;
    }
  }
  if (log.next - log.first === capacity) {
    log.first = oldestNeeded();
    if (log.next - log.first === capacity) grow(log);
  }
  const seq = log.next++;
  const i = seq % log.times.length;
  log.times[i] = at;
  log.requests[i] = 1;
  log.tokens[i] = tokens;
  return seq;
}

function grow(log: BucketLog): void {
  const oldCapacity = log.times.length;
  const capacity = oldCapacity * 2;
  const times = new Float64Array(capacity);
  const requests = new Float64Array(capacity);
  const tokens = new Float64Array(capacity);
  for (let seq = log.first; seq < log.next; seq++) {
    const from = seq % oldCapacity;
    const to = seq % capacity;
    times[to] = log.times[from]!;
    requests[to] = log.requests[from]!;
    tokens[to] = log.tokens[from]!;
  }
  log.times = times;
  log.requests = requests;
  log.tokens = tokens;
}

/**
 * Add `delta` tokens to bucket `seq`.
 *
 * @returns `false` when the bucket is no longer stored (every window has let it go).
 */
export function logCorrect(log: BucketLog, seq: number, delta: number): boolean {
  if (seq < log.first || seq >= log.next) return false;
  log.tokens[seq % log.times.length]! += delta;
  return true;
}
