import type { Redis, RedisOptions } from 'ioredis';
import type { LimitRule, Limits } from '../budget/limits.js';
import { validateSafetyMargin } from '../budget/safety-margin.js';
import { GEMINI_QUOTA_TIME_ZONE, validateTimeZone } from '../budget/time-zone.js';
import { InvalidOptionError } from '../errors.js';
import { type NormalizedRules, normalizeLimitRules } from './limit-rules.js';
import { DEFAULT_REDIS_PREFIX } from './redis-keys.js';

/**
 * Whose clock a {@link RedisStore} counts time by:
 * - `'redis'`: the Redis server's `TIME`, read inside every script, so that
 *   machines whose clocks differ still share one timeline and cannot
 *   overspend. The `now` the scheduler passes is then only used to translate
 *   Redis times (a `retryAt`, a hold's end) into the caller's clock.
 * - `'caller'`: the `now` each call is given (tests in virtual time,
 *   comparing with `MemoryStore`). Only safe when every process shares one clock.
 */
export type RedisClock = 'redis' | 'caller';

/** Options of {@link RedisStore}. Only `redis` is required. */
export interface RedisStoreOptions {
  /**
   * The Redis server: a URL (`redis://host:6379/0`, `rediss://…` for TLS),
   * for which the store makes and owns its client with
   * {@link REDIS_CLIENT_DEFAULTS}; or an ioredis `Redis` client you own (give
   * it `enableOfflineQueue: false` so commands fail fast while Redis is
   * down instead of queueing). Redis Cluster is not supported.
   *
   * @example `'redis://127.0.0.1:6379'`
   */
  readonly redis: Redis | string;
  /**
   * The limits, as for `MemoryStore`: one `Limits` for every group and model,
   * or rules (the most specific match wins). Every process sharing a prefix
   * and service should use the same limits. Default: `{}` (nothing binds).
   */
  readonly limits?: Limits | readonly LimitRule[];
  /** The IANA time zone of the daily limits. Default: `'America/Los_Angeles'`. */
  readonly timeZone?: string;
  /**
   * Milliseconds added to every window's length (the server counts arrival
   * times). Default: `Math.min(1000, Math.ceil(per / 50))` per window.
   */
  readonly safetyMarginMs?: number;
  /** Prefix of every key the store writes. Default: `'keyrelay:'`. */
  readonly prefix?: string;
  /**
   * The service whose budgets these are; part of every key, so pools of
   * different services can share one Redis. Default: `'gemini'`.
   */
  readonly service?: string;
  /** Whose clock counts: see {@link RedisClock}. Default: `'redis'`. */
  readonly clock?: RedisClock;
  /**
   * How long a day's counts stay in Redis after the day ends, in ms (for
   * reports read after midnight). Default: `86_400_000` (one day).
   */
  readonly dayRetentionMs?: number;
  /**
   * Told of every connection error the client reports (refused, reset,
   * timed out). Default: nothing (commands reject meanwhile, and the
   * scheduler reports each failed reservation as a `store_error` usage event).
   */
  readonly onError?: (error: Error) => void;
}

/**
 * The ioredis options a store made from a URL uses: commands fail at once
 * while Redis is down (`enableOfflineQueue: false`), a command cut off by a
 * lost connection is rejected rather than resent (`autoResendUnfulfilledCommands:
 * false`, so a reservation is never taken twice behind the scheduler's back),
 * a command gets no answer in 3 s is rejected (`commandTimeout`), and the
 * connection is retried with backoff from 50 ms doubling to at most 2 s.
 */
export const REDIS_CLIENT_DEFAULTS: RedisOptions = Object.freeze({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 3_000,
  connectTimeout: 3_000,
  retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times - 1, 6), 2_000),
});

/** {@link RedisStoreOptions} validated, defaults applied. @internal */
export interface ResolvedRedisStoreOptions {
  readonly redis: Redis | string;
  readonly rules: NormalizedRules;
  readonly timeZone: string;
  readonly safetyMarginMs: number | undefined;
  readonly prefix: string;
  readonly service: string;
  readonly clock: RedisClock;
  readonly dayRetentionMs: number;
  readonly onError: ((error: Error) => void) | undefined;
}

function isClient(value: unknown): value is Redis {
  const candidate = value as { defineCommand?: unknown; duplicate?: unknown } | null;
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof candidate?.defineCommand === 'function' &&
    typeof candidate.duplicate === 'function'
  );
}

function nonEmpty(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') {
    throw new InvalidOptionError(option, 'a non-empty string', value);
  }
  return value;
}

/**
 * Validate {@link RedisStoreOptions} and apply defaults.
 *
 * @throws {@link InvalidOptionError} naming the option.
 * @internal
 */
export function resolveRedisStoreOptions(options: RedisStoreOptions): ResolvedRedisStoreOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      "an object { redis: 'redis://host:port' or an ioredis client, limits, … }",
      options,
    );
  }
  const { redis } = options;
  if (typeof redis === 'string') {
    if (!/^rediss?:\/\/./.test(redis)) {
      throw new InvalidOptionError(
        'redis',
        'a redis:// or rediss:// URL such as "redis://127.0.0.1:6379", or an ioredis client',
        redis.replace(/\/\/[^@/]*@/, '//***@'),
      );
    }
  } else if (!isClient(redis)) {
    throw new InvalidOptionError(
      'redis',
      'a redis:// URL or an ioredis Redis client (Redis Cluster is not supported)',
      redis,
    );
  }
  const clock = options.clock ?? 'redis';
  if (clock !== 'redis' && clock !== 'caller') {
    throw new InvalidOptionError('clock', "'redis' or 'caller'", clock);
  }
  const dayRetentionMs = options.dayRetentionMs ?? 86_400_000;
  if (!Number.isSafeInteger(dayRetentionMs) || dayRetentionMs < 0) {
    throw new InvalidOptionError('dayRetentionMs', 'a safe integer of ms >= 0', dayRetentionMs);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidOptionError('onError', 'a function (error) => void', options.onError);
  }
  return {
    redis,
    rules: normalizeLimitRules(options.limits ?? {}, 'limits'),
    timeZone: validateTimeZone(options.timeZone ?? GEMINI_QUOTA_TIME_ZONE, 'timeZone'),
    safetyMarginMs: validateSafetyMargin(options.safetyMarginMs, 'safetyMarginMs'),
    prefix: nonEmpty(options.prefix, 'prefix', DEFAULT_REDIS_PREFIX),
    service: nonEmpty(options.service, 'service', 'gemini'),
    clock,
    dayRetentionMs,
    onError: options.onError,
  };
}
