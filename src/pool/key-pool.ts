import type { Observable } from 'rxjs';
import { GEMINI_QUOTA_TIME_ZONE, validateTimeZone } from '../budget/index.js';
import type { LimitRule, Limits } from '../budget/limits.js';
import { InvalidOptionError } from '../errors.js';
import { ApiKey } from '../keys/api-key.js';
import {
  type KeyEntry,
  keysFromList,
  type LoadKeysOptions,
  loadKeysFromEnv,
} from '../keys/index.js';
import { MemoryStore } from '../store/memory-store.js';
import type { BudgetStore } from '../store/types.js';
import type { UsageEvent } from '../usage/events.js';
import { EventHub } from './event-hub.js';

/** How a pool spends its keys. */
export interface KeyPoolOptions {
  /**
   * Budgets per quota group and model: one `Limits` for every group and model,
   * or rules (the most specific match wins). Ignored when `store` is given.
   * Default: `{}` (nothing binds).
   */
  readonly limits?: Limits | readonly LimitRule[];
  /**
   * The IANA time zone whose calendar day is the quota's day (requests per day,
   * report file names). Default: the store's when `store` is given, else
   * `'America/Los_Angeles'`, where Gemini resets.
   */
  readonly timeZone?: string;
  /**
   * Extra length added to every sliding window, in ms, because the server
   * counts arrival times. Default: `min(1000, ceil(window / 50))` per window.
   * Ignored when `store` is given.
   */
  readonly safetyMarginMs?: number;
  /**
   * Where budgets and key states live, e.g. a `RedisStore` shared by several
   * processes. Default: a {@link MemoryStore} built from `limits`.
   */
  readonly store?: BudgetStore;
}

/** Options of {@link KeyPool.fromEnv}: where to find keys, plus {@link KeyPoolOptions}. */
export type KeyPoolFromEnvOptions = KeyPoolOptions & LoadKeysOptions;

/**
 * A pool of API keys for one service, spent as one: the keys, their shared
 * budget store, the round-robin cursor and the stream of usage events.
 *
 * @example
 * ```ts
 * const pool = KeyPool.fromEnv('gemini', {
 *   limits: { requestsPerMinute: 15, tokensPerMinute: 1_000_000, requestsPerDay: 1_500 },
 * });
 * pool.usage$.subscribe((event) => console.log(event.type, event.key));
 * ```
 */
export class KeyPool {
  /** The service, e.g. `'gemini'`: names report files and events. */
  readonly service: string;
  /** The keys, in round-robin order. */
  readonly keys: readonly ApiKey[];
  /** Where budgets, holds and disabled keys live. */
  readonly store: BudgetStore;
  /** The quota's time zone. */
  readonly timeZone: string;
  /** Every dispatch, success, failure, cooldown, park, disable and resume, as it happens (hot). */
  readonly usage$: Observable<UsageEvent>;
  readonly #usage = new EventHub<UsageEvent>();
  #cursor = 0;

  constructor(service: string, keys: readonly ApiKey[], options: KeyPoolOptions = {}) {
    if (typeof service !== 'string' || service.trim() === '') {
      throw new InvalidOptionError('service', 'a non-empty service name such as "gemini"', service);
    }
    this.service = service;
    this.keys = [...keys];
    if (options.store !== undefined) {
      if (
        options.timeZone !== undefined &&
        validateTimeZone(options.timeZone, 'timeZone') !== options.store.timeZone
      ) {
        throw new InvalidOptionError(
          'timeZone',
          `the store's time zone (${options.store.timeZone}) or nothing`,
          options.timeZone,
        );
      }
      this.store = options.store;
      this.timeZone = options.store.timeZone;
    } else {
      this.timeZone = validateTimeZone(options.timeZone ?? GEMINI_QUOTA_TIME_ZONE, 'timeZone');
      this.store = new MemoryStore({
        limits: options.limits ?? {},
        timeZone: this.timeZone,
        ...(options.safetyMarginMs === undefined ? {} : { safetyMarginMs: options.safetyMarginMs }),
      });
    }
    this.usage$ = this.#usage.events$;
  }

  /**
   * Loads `<SERVICE>_API_KEY` and `<SERVICE>_API_KEY_<n>` from the environment
   * and the `.env` file (see {@link loadKeysFromEnv}) into a pool.
   *
   * @throws NoKeysError when none is found; the message lists where it looked.
   */
  static fromEnv(service: string, options: KeyPoolFromEnvOptions = {}): KeyPool {
    const loaded = loadKeysFromEnv(service, options);
    return new KeyPool(loaded.service, loaded.keys, options);
  }

  /** A pool of keys given by hand (validated like {@link KeyPool.fromEnv}'s). */
  static fromKeys(
    service: string,
    keys: readonly (KeyEntry | ApiKey)[],
    options: KeyPoolOptions = {},
  ): KeyPool {
    const entries = keys.map((key) =>
      key instanceof ApiKey ? { name: key.name, secret: key.reveal(), group: key.group } : key,
    );
    return new KeyPool(service, keysFromList(service, entries), options);
  }

  /** True while someone listens to {@link KeyPool.usage$}: events are only built then. */
  get observed(): boolean {
    return this.#usage.observed;
  }

  /** Publishes a usage event (used by the scheduler and the seed's API). */
  emit(event: UsageEvent): void {
    this.#usage.publish(event);
  }

  /** Completes {@link KeyPool.usage$}; call it when the pool will not be used again. */
  close(): void {
    this.#usage.complete();
  }

  /**
   * Where the round-robin walk starts next; {@link KeyPool.advanceCursor}
   * moves it past the key just used. Shared by every scheduler on the pool.
   */
  get cursor(): number {
    return this.#cursor;
  }

  /** Moves the round-robin cursor to the key after `index`. */
  advanceCursor(index: number): void {
    this.#cursor = (index + 1) % Math.max(1, this.keys.length);
  }

  /** The pool as JSON: service, time zone and keys by name; never a secret. */
  toJSON(): { service: string; timeZone: string; keys: ReturnType<ApiKey['toJSON']>[] } {
    return {
      service: this.service,
      timeZone: this.timeZone,
      keys: this.keys.map((key) => key.toJSON()),
    };
  }
}
