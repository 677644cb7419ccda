import { KeyrelayError } from '../errors.js';

/** Why {@link NoKeyAvailableError} was thrown: what holds back the key that frees up first. */
export type NoKeyReason = 'window' | 'daily' | 'cooling' | 'parked' | 'never' | 'disabled';

/**
 * `keyManager.getNextKey()` found no key whose quota group has budget now.
 * `retryAt` says when the first one will (`Infinity` when none ever will:
 * every key is disabled, or the request is larger than every token window).
 *
 * @example
 * ```ts
 * try {
 *   const [name, key] = keyManager.getNextKey();
 * } catch (error) {
 *   if (error instanceof NoKeyAvailableError) await sleep(error.retryAt - Date.now());
 * }
 * ```
 */
export class NoKeyAvailableError extends KeyrelayError {
  override name = 'NoKeyAvailableError';
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The model whose budget was asked for. */
  readonly model: string;
  /** When the first key frees up, in ms since the epoch; `Infinity` when never. */
  readonly retryAt: number;
  /** What holds back the key that frees up first. */
  readonly reason: NoKeyReason;

  constructor(
    message: string,
    init: { service: string; model: string; retryAt: number; reason: NoKeyReason },
  ) {
    super(message);
    this.service = init.service;
    this.model = init.model;
    this.retryAt = init.retryAt;
    this.reason = init.reason;
  }
}

/** True when `value` is a {@link NoKeyAvailableError}. */
export function isNoKeyAvailableError(value: unknown): value is NoKeyAvailableError {
  return value instanceof NoKeyAvailableError;
}

/** A shell of the seed's API (`KeyManager`, `UsageTracker`, `RateLimiter`) was used after `close()`. */
export class CompatClosedError extends KeyrelayError {
  override name = 'CompatClosedError';
}
