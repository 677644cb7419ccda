import { KeyrelayError } from '../errors.js';

/**
 * The Redis store could not do what was asked: Redis is unreachable, timed
 * out or answered with an error. The scheduler treats it as "store
 * unreachable": it dispatches nothing without a reservation, emits a
 * `store_error` usage event with this message and asks again with backoff.
 * The message names the server (`host:port`, never a password) and the cause.
 */
export class RedisStoreError extends KeyrelayError {
  override name = 'RedisStoreError';
  /** What the store was doing, e.g. `'acquireFirst'`. */
  readonly operation: string;

  constructor(operation: string, server: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      `Redis budget store at ${server} failed during ${operation}: ${reason}. Nothing is dispatched without a reservation; keyrelay retries with backoff and goes on when Redis answers again.`,
      { cause },
    );
    this.operation = operation;
  }
}

/** True when `value` is a {@link RedisStoreError}. */
export function isRedisStoreError(value: unknown): value is RedisStoreError {
  return value instanceof RedisStoreError;
}
