import type { Limits } from '../budget/index.js';

/** One window that bounds the job. */
export interface PlanConstraint {
  /** e.g. `'requests per minute (--rpm)'`. */
  readonly label: string;
  /** What the job needs of it: requests or estimated input tokens. */
  readonly demand: number;
  /** What one quota group may spend per window. */
  readonly perGroup: number;
  /** The window's length in ms. */
  readonly perMs: number;
  /** How long the job takes at this window's ceiling: `demand / (groups × perGroup) × perMs`. */
  readonly timeMs: number;
}

/** How long a job needs at the configured budgets. */
export interface Plan {
  readonly requests: number;
  readonly tokens: number;
  readonly groups: number;
  /** Every window that applies, slowest first. */
  readonly constraints: readonly PlanConstraint[];
  /** Time at the ceiling (the slowest window); `undefined` when no window is limited. */
  readonly timeMs: number | undefined;
  /** Requests per minute over all groups at the ceiling; `undefined` when unlimited. */
  readonly ceilingPerMinute: number | undefined;
  /** Requests per day over all groups (`--rpd` × groups); `undefined` without `--rpd`. */
  readonly perDay: number | undefined;
  /** Quota days the job spans: `ceil(requests / perDay)`; 1 without `--rpd` (0 for an empty job). */
  readonly days: number;
}

/**
 * The arithmetic of `--dry-run` and of the summary's ceiling: every quota
 * group has the same limits and they add up. A window of `n` requests per
 * `p` ms over `g` groups does `r` requests in `r / (g·n) · p` ms at its
 * ceiling; token windows likewise with the estimated input tokens. The job
 * takes as long as its slowest window, and spans `ceil(r / (g·rpd))` quota
 * days.
 */
export function planJob(requests: number, tokens: number, groups: number, limits: Limits): Plan {
  const g = Math.max(1, groups);
  const windows: { label: string; kind: 'requests' | 'tokens'; perGroup: number; perMs: number }[] =
    [];
  if (limits.requestsPerMinute !== undefined) {
    windows.push({
      label: 'requests per minute (--rpm)',
      kind: 'requests',
      perGroup: limits.requestsPerMinute,
      perMs: 60_000,
    });
  }
  if (limits.tokensPerMinute !== undefined) {
    windows.push({
      label: 'input tokens per minute (--tpm)',
      kind: 'tokens',
      perGroup: limits.tokensPerMinute,
      perMs: 60_000,
    });
  }
  for (const window of limits.windows ?? []) {
    if (window.requests !== undefined) {
      windows.push({
        label: `${window.requests} requests per ${window.per} ms (--limit)`,
        kind: 'requests',
        perGroup: window.requests,
        perMs: window.per,
      });
    }
    if (window.tokens !== undefined) {
      windows.push({
        label: `${window.tokens} tokens per ${window.per} ms (--limit)`,
        kind: 'tokens',
        perGroup: window.tokens,
        perMs: window.per,
      });
    }
  }
  const constraints = windows
    .map((window) => {
      const demand = window.kind === 'requests' ? requests : tokens;
      return {
        label: window.label,
        demand,
        perGroup: window.perGroup,
        perMs: window.perMs,
        timeMs: (demand / (g * window.perGroup)) * window.perMs,
      };
    })
    .sort((a, b) => b.timeMs - a.timeMs);
  const slowest = constraints[0];
  const tokensPerRequest = requests > 0 ? tokens / requests : 0;
  let ceiling: number | undefined;
  for (const window of windows) {
    const perMinute = (g * window.perGroup * 60_000) / window.perMs;
    const requestsPerMinute =
      window.kind === 'requests'
        ? perMinute
        : tokensPerRequest > 0
          ? perMinute / tokensPerRequest
          : Number.POSITIVE_INFINITY;
    ceiling = ceiling === undefined ? requestsPerMinute : Math.min(ceiling, requestsPerMinute);
  }
  const perDay = limits.requestsPerDay === undefined ? undefined : g * limits.requestsPerDay;
  return {
    requests,
    tokens,
    groups: g,
    constraints,
    timeMs: slowest?.timeMs,
    ceilingPerMinute: ceiling === Number.POSITIVE_INFINITY ? undefined : ceiling,
    perDay,
    days: requests === 0 ? 0 : perDay === undefined ? 1 : Math.ceil(requests / perDay),
  };
}
