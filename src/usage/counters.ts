/**
 * The counters of one key, or of all keys together (`totals`), over one day.
 * Every number is a non-negative count or sum.
 */
export interface UsageCounters {
  /** Attempts sent (one per `dispatched` event; retries count again). */
  readonly totalCalls: number;
  /** Requests that succeeded. */
  readonly successes: number;
  /** Requests that finally failed, by failure kind (e.g. `{ transient: 2 }`). */
  readonly failures: Readonly<Record<string, number>>;
  /** HTTP 429 answers (per minute and per day alike). */
  readonly rateLimited: number;
  /** Input (prompt) tokens the server reported for successful requests. */
  readonly inputTokens: number;
  /** Output (candidate) tokens the server reported for successful requests. */
  readonly outputTokens: number;
  /** The cost figure: total tokens for scheduled requests, or what was recorded by hand. */
  readonly cost: number;
  /** ISO time of the first call that day, `null` when there was none. */
  readonly firstUsedAt: string | null;
  /** ISO time of the last call that day, `null` when there was none. */
  readonly lastUsedAt: string | null;
}

/** Counters with every count at zero and no use. */
export function emptyCounters(): UsageCounters {
  return {
    totalCalls: 0,
    successes: 0,
    failures: {},
    rateLimited: 0,
    inputTokens: 0,
    outputTokens: 0,
    cost: 0,
    firstUsedAt: null,
    lastUsedAt: null,
  };
}

/** The earlier of two ISO times (`null` is "none"). */
export function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b < a ? b : a;
}

/** The later of two ISO times (`null` is "none"). */
export function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return b > a ? b : a;
}

function combineFailures(
  a: Readonly<Record<string, number>>,
  b: Readonly<Record<string, number>>,
  sign: 1 | -1,
): Record<string, number> {
  const out: Record<string, number> = { ...a };
  for (const [kind, n] of Object.entries(b)) {
    const value = (out[kind] ?? 0) + sign * n;
    if (value === 0) delete out[kind];
    else out[kind] = value;
  }
  return out;
}

/** `a + b`: counts added, first use the earlier, last use the later. */
export function addCounters(a: UsageCounters, b: UsageCounters): UsageCounters {
  return {
    totalCalls: a.totalCalls + b.totalCalls,
    successes: a.successes + b.successes,
    failures: combineFailures(a.failures, b.failures, 1),
    rateLimited: a.rateLimited + b.rateLimited,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cost: a.cost + b.cost,
    firstUsedAt: minIso(a.firstUsedAt, b.firstUsedAt),
    lastUsedAt: maxIso(a.lastUsedAt, b.lastUsedAt),
  };
}

/**
 * `a - b` for counts (what `a` added since `b`, when `a` grew from `b`); the
 * first and last use are `a`'s, since merging them is idempotent.
 */
export function subtractCounters(a: UsageCounters, b: UsageCounters): UsageCounters {
  return {
    totalCalls: a.totalCalls - b.totalCalls,
    successes: a.successes - b.successes,
    failures: combineFailures(a.failures, b.failures, -1),
    rateLimited: a.rateLimited - b.rateLimited,
    inputTokens: a.inputTokens - b.inputTokens,
    outputTokens: a.outputTokens - b.outputTokens,
    cost: a.cost - b.cost,
    firstUsedAt: a.firstUsedAt,
    lastUsedAt: a.lastUsedAt,
  };
}

/** Only the counter fields of `value` (drops `group`, `state`, …). */
export function countersOf(value: UsageCounters): UsageCounters {
  return {
    totalCalls: value.totalCalls,
    successes: value.successes,
    failures: { ...value.failures },
    rateLimited: value.rateLimited,
    inputTokens: value.inputTokens,
    outputTokens: value.outputTokens,
    cost: value.cost,
    firstUsedAt: value.firstUsedAt,
    lastUsedAt: value.lastUsedAt,
  };
}
