import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { InvalidOptionError } from '../errors.js';
import { type BackoffOptions, DEFAULT_BACKOFF, type ResolvedBackoff } from './backoff.js';
import type { AttemptFailure } from './failure.js';
import type { TokenUsage } from './types.js';

/**
 * Options of {@link schedule}. Every one is optional; the defaults suit a bulk
 * job against Gemini.
 */
export interface ScheduleOptions<Req, Res> {
  /** Most requests in flight at once, over all keys. Default: 32. */
  readonly concurrency?: number;
  /** Most requests in flight at once on one key. Default: `Infinity`. */
  readonly concurrencyPerKey?: number;
  /**
   * Most attempts of one request while they fail transiently (5xx, network);
   * 1 means no retry. Default: 5.
   */
  readonly maxAttempts?: number;
  /**
   * Most times one request is sent again after a 429 before it fails as
   * `rate_limited`. The group cools meanwhile, so these are not wasted. Default: 20.
   */
  readonly maxRateLimitedAttempts?: number;
  /** Backoff bounds after a transient failure. Default: 500 ms initial, ×2, at most 30 s, full jitter. */
  readonly backoff?: BackoffOptions;
  /** How long a group cools after a per-minute 429 that names no retry delay, in ms. Default: 60 000. */
  readonly defaultCooldownMs?: number;
  /**
   * When every usable key's group has spent the day's quota: `'wait'` until the
   * next day boundary, or `'fail'` every waiting request at once with kind
   * `daily_quota_exhausted`. Default: `'wait'`.
   */
  readonly onDailyExhaustion?: 'wait' | 'fail';
  /**
   * For an AsyncIterable source: how many requests are read ahead of what is
   * dispatched (bounded, so a million-line file is never read far ahead). Default: 64.
   */
  readonly readAhead?: number;
  /** The clock and timer. Default: `asyncScheduler`; use a `TestScheduler` for virtual time. */
  readonly scheduler?: SchedulerLike;
  /** The source of randomness for backoff jitter, in [0, 1). Default: `Math.random`. */
  readonly random?: () => number;
  /** Overrides the call spec's `classifyError`. */
  readonly classifyError?: (error: unknown) => AttemptFailure;
  /** Overrides the call spec's `readUsage`. */
  readonly readUsage?: (response: Res) => TokenUsage | undefined;
  /** Overrides the call spec's `modelOf`. */
  readonly modelOf?: (request: Req) => string;
  /** Overrides the call spec's `estimateTokens`. */
  readonly estimateTokens?: (request: Req) => number;
}

/** The options that are plain values, resolved and validated. */
export interface ResolvedScheduleSettings {
  readonly concurrency: number;
  readonly concurrencyPerKey: number;
  readonly maxAttempts: number;
  readonly maxRateLimitedAttempts: number;
  readonly backoff: ResolvedBackoff;
  readonly defaultCooldownMs: number;
  readonly onDailyExhaustion: 'wait' | 'fail';
  readonly readAhead: number;
  readonly scheduler: SchedulerLike;
  readonly random: () => number;
}

/**
 * Fills in defaults and validates, throwing {@link InvalidOptionError} that
 * names the option, the expected range and the value received.
 */
export function resolveScheduleSettings(
  options: ScheduleOptions<unknown, unknown>,
): ResolvedScheduleSettings {
  const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  const settings: ResolvedScheduleSettings = {
    concurrency: countOrInfinity('concurrency', options.concurrency, 32),
    concurrencyPerKey: countOrInfinity(
      'concurrencyPerKey',
      options.concurrencyPerKey,
      Number.POSITIVE_INFINITY,
    ),
    maxAttempts: count('maxAttempts', options.maxAttempts, 5),
    maxRateLimitedAttempts: count('maxRateLimitedAttempts', options.maxRateLimitedAttempts, 20),
    backoff: {
      initialMs: duration('backoff.initialMs', backoff.initialMs),
      maxMs: duration('backoff.maxMs', backoff.maxMs),
      factor: factor('backoff.factor', backoff.factor),
    },
    defaultCooldownMs: duration('defaultCooldownMs', options.defaultCooldownMs ?? 60_000),
    onDailyExhaustion: oneOf(
      'onDailyExhaustion',
      options.onDailyExhaustion,
      ['wait', 'fail'] as const,
      'wait',
    ),
    readAhead: count('readAhead', options.readAhead, 64),
    scheduler: options.scheduler ?? asyncScheduler,
    random: options.random ?? Math.random,
  };
  if (settings.backoff.maxMs < settings.backoff.initialMs) {
    throw new InvalidOptionError(
      'backoff.maxMs',
      `at least backoff.initialMs (${settings.backoff.initialMs})`,
      settings.backoff.maxMs,
    );
  }
  return settings;
}

function count(option: string, value: number | undefined, fallback: number): number {
  const resolved = value ?? fallback;
  if (!Number.isSafeInteger(resolved) || resolved < 1)
    throw new InvalidOptionError(option, 'a whole number of at least 1', value);
  return resolved;
}

function countOrInfinity(option: string, value: number | undefined, fallback: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  const resolved = value ?? fallback;
  if (resolved === Number.POSITIVE_INFINITY) return resolved;
  if (!Number.isSafeInteger(resolved) || resolved < 1) {
    throw new InvalidOptionError(option, 'a whole number of at least 1, or Infinity', value);
  }
  return resolved;
}

function duration(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidOptionError(option, 'a duration in ms, 0 or more', value);
  return value;
}

function factor(option: string, value: number): number {
  if (!Number.isFinite(value) || value < 1)
    throw new InvalidOptionError(option, 'a number of at least 1', value);
  return value;
}

function oneOf<T extends string>(
  option: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value))
    throw new InvalidOptionError(option, allowed.map((v) => `'${v}'`).join(' or '), value);
  return value;
}
