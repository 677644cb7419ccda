/** One sliding window of a quota group, as requests per span (tokens converted at a fixed cost per request). */
export interface RequestWindow {
  readonly label: string;
  /** Most requests (or tokens, when `tokens` is set) in any span of `span` ms: (t - span, t]. */
  readonly limit: number;
  readonly span: number;
  /** True when `limit` counts input tokens rather than requests. */
  readonly tokens?: boolean;
}

/** A quota group's limits, independent of keyrelay's types: the yardstick the benchmarks check against. */
export interface GroupSpec {
  readonly group: string;
  readonly keys: number;
  readonly windows: readonly RequestWindow[];
  /** Most requests per day (`Infinity` when none). */
  readonly perDay: number;
}

/** How many requests of `tokens` input tokens a window admits in one span. */
export function requestsPerSpan(window: RequestWindow, tokens: number): number {
  return window.tokens === true ? Math.floor(window.limit / tokens) : window.limit;
}

/**
 * Violations of one group's windows by dispatch times (sorted) and their
 * token counts: for every dispatch, whether the span ending at it holds more
 * than the limit. Also counts a day over its daily limit (one day is checked).
 */
export function countViolations(
  spec: GroupSpec,
  times: readonly number[],
  tokens: readonly number[],
): number {
  let violations = 0;
  for (const window of spec.windows) {
    let head = 0;
    let sum = 0;
    for (let i = 0; i < times.length; i++) {
      sum += window.tokens === true ? tokens[i]! : 1;
      while (times[head]! <= times[i]! - window.span) {
        sum -= window.tokens === true ? tokens[head]! : 1;
        head++;
      }
      if (sum > window.limit) violations++;
    }
  }
  if (times.length > spec.perDay) violations += times.length - spec.perDay;
  return violations;
}

/**
 * The ceiling: how many of `arrivals` (sorted times, each request costing
 * `tokens`) the limits let through before `end`, by an independent reference
 * model that dispatches each request, in arrival order, at the earliest
 * moment any group's windows and day admit it. For unit requests this
 * earliest-feasible rule is optimal, so no scheduler can do better.
 */
export function referenceCeiling(
  specs: readonly GroupSpec[],
  arrivals: readonly number[],
  tokens: number,
  end: number,
): number {
  const dispatched = specs.map(() => [] as number[]);
  let served = 0;
  for (const arrival of arrivals) {
    let best = Number.POSITIVE_INFINITY;
    let bestGroup = -1;
    specs.forEach((spec, g) => {
      const times = dispatched[g]!;
      if (times.length >= spec.perDay) return;
      let at = Math.max(arrival, times.length > 0 ? times[times.length - 1]! : arrival);
      for (const window of spec.windows) {
        const limit = requestsPerSpan(window, tokens);
        if (times.length >= limit) at = Math.max(at, times[times.length - limit]! + window.span);
      }
      if (at < best) {
        best = at;
        bestGroup = g;
      }
    });
    if (bestGroup < 0 || best >= end) continue;
    dispatched[bestGroup]!.push(best);
    served++;
  }
  return served;
}
