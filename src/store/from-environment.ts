import type { LimitRule, Limits } from '../budget/limits.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { BudgetStore } from './types.js';

/** The environment variable naming a shared Redis store: `KEYRELAY_REDIS_URL`. */
export const REDIS_URL_VARIABLE = 'KEYRELAY_REDIS_URL';

/** Options of {@link storeFromEnvironment}. */
export interface StoreFromEnvironmentOptions {
  /**
   * A Redis URL (e.g. from `--redis <url>`); wins over the environment.
   * Default: `env.KEYRELAY_REDIS_URL`; when neither is set the store is in memory.
   */
  readonly redisUrl?: string | undefined;
  /** Where to read `KEYRELAY_REDIS_URL`. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The limits, as for `MemoryStore` and `RedisStore`. Default: `{}` (nothing binds). */
  readonly limits?: Limits | readonly LimitRule[];
  /** The IANA time zone of the daily limits. Default: `'America/Los_Angeles'`. */
  readonly timeZone?: string;
  /** Extra ms per window. Default: `Math.min(1000, Math.ceil(per / 50))`. */
  readonly safetyMarginMs?: number;
  /** The service (part of every Redis key). Default: `'gemini'`. */
  readonly service?: string;
  /** Prefix of Redis keys. Default: `'keyrelay:'`. */
  readonly prefix?: string;
  /** How long to wait for Redis at start, in ms. Default: `10_000`. */
  readonly connectTimeoutMs?: number;
}

/**
 * The store a command-line run should use: a {@link RedisStore} connected to
 * `redisUrl` or `KEYRELAY_REDIS_URL` when either is set, else a
 * {@link MemoryStore}. Close a Redis store with `close()` when done.
 *
 * @throws `RedisStoreError` when Redis does not answer in time; `InvalidOptionError` for bad options.
 * @example
 * ```ts
 * const store = await storeFromEnvironment({ redisUrl: flags.redis, limits, service: 'gemini' });
 * ```
 */
export async function storeFromEnvironment(
  options: StoreFromEnvironmentOptions = {},
): Promise<BudgetStore & { close?: () => Promise<void> }> {
  const env = options.env ?? process.env;
  const fromEnv = env[REDIS_URL_VARIABLE];
  const url = options.redisUrl ?? (fromEnv === '' ? undefined : fromEnv);
  const shared = {
    limits: options.limits ?? {},
    ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
    ...(options.safetyMarginMs === undefined ? {} : { safetyMarginMs: options.safetyMarginMs }),
  };
  if (url === undefined) return new MemoryStore(shared);
  return RedisStore.connect(url, {
    ...shared,
    ...(options.service === undefined ? {} : { service: options.service }),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.connectTimeoutMs === undefined
      ? {}
      : { connectTimeoutMs: options.connectTimeoutMs }),
  });
}
