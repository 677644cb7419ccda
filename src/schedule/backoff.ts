/** Bounds of the exponential backoff after a transient failure. */
export interface BackoffOptions {
  /** The first retry's ceiling in ms. Default: 500. */
  readonly initialMs?: number;
  /** The largest delay in ms. Default: 30 000. */
  readonly maxMs?: number;
  /** How much the ceiling grows per failure. Default: 2. */
  readonly factor?: number;
}

/** Backoff bounds with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** The defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF: ResolvedBackoff = { initialMs: 500, maxMs: 30_000, factor: 2 };

/**
 * The delay before retry number `failures` (1 after the first failure), with
 * "full jitter": uniform in [0, min(maxMs, initialMs × factor^(failures-1))],
 * so that many requests that failed together do not retry together.
 *
 * @param random - a number in [0, 1), e.g. `Math.random()`.
 */
export function backoffDelay(failures: number, backoff: ResolvedBackoff, random: number): number {
  const ceiling = Math.min(
    backoff.maxMs,
    backoff.initialMs * backoff.factor ** Math.max(0, failures - 1),
  );
  return Math.floor(random * ceiling);
}
