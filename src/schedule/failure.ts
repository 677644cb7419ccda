import { KeyrelayError } from '../errors.js';

/**
 * What went wrong with one attempt, as the scheduler acts on it:
 * - `rate_limited`: HTTP 429. Per minute cools the key's quota group for
 *   `retryAfterMs`; per day parks it until the next day boundary.
 * - `invalid_key`: the key is invalid or lacks permission; it is disabled and
 *   the request goes to another key.
 * - `transient`: 5xx, network, timeout; retried with backoff.
 * - `permanent`: a bad request; retrying cannot help.
 */
export type AttemptFailureKind = 'rate_limited' | 'invalid_key' | 'transient' | 'permanent';

/** One failed attempt, classified. Produced by a provider's `classifyError`. */
export interface AttemptFailure {
  readonly kind: AttemptFailureKind;
  /** A one-line, secret-free description. */
  readonly message: string;
  /** For `rate_limited`: how long the server asked to wait, in ms. */
  readonly retryAfterMs?: number;
  /** For `rate_limited`: true when the day's quota is spent (park until the next day). */
  readonly perDay?: boolean;
  /** For `rate_limited`: the quota the server named, e.g. `GenerateRequestsPerMinutePerProjectPerModel-FreeTier`. */
  readonly quotaId?: string;
  /** For `transient` and `permanent`: the HTTP status, when there was one. */
  readonly status?: number;
}

/**
 * Why a request finally failed (the `kind` of a failed result):
 * the attempt kinds, plus
 * - `daily_quota_exhausted`: every usable key's group is spent for the day
 *   and `onDailyExhaustion` is `'fail'`;
 * - `too_large`: the request needs more tokens than a window allows, so it can never go;
 * - `invalid_input`: the request itself could not be read (used by the CLI).
 */
export type FailureKind =
  | AttemptFailureKind
  | 'daily_quota_exhausted'
  | 'too_large'
  | 'invalid_input';

/** The error in a failed result: its `kind` says why; its message is secret-free. */
export class RequestFailedError extends KeyrelayError {
  override name = 'RequestFailedError';
  readonly kind: FailureKind;
  /** The last attempt's HTTP status, when there was one. */
  readonly status?: number;

  constructor(
    kind: FailureKind,
    message: string,
    options?: { status?: number | undefined; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    if (options?.status !== undefined) this.status = options.status;
  }
}
