import { of, type SchedulerLike, Subject, type Subscription } from 'rxjs';
import { checkPositiveInteger, type Limits, type WindowLimit } from '../budget/index.js';
import { InvalidOptionError } from '../errors.js';
import { KeyPool } from '../pool/index.js';
import { schedule } from '../schedule/index.js';
import type { BudgetStore } from '../store/types.js';
import { CompatClosedError } from './errors.js';

/**
 * Options of {@link RateLimiter}: the seed's `requests_per_minute` and
 * `requests_per_day`, plus the library's other windows. At least one limit
 * (or a `store`) is required.
 */
export interface RateLimiterOptions {
  /** Calls in any sliding 60 s window. Default: unlimited. */
  readonly requestsPerMinute?: number;
  /** Calls per calendar day in `timeZone`. Default: unlimited. */
  readonly requestsPerDay?: number;
  /** Tokens (given to `waitIfNeeded({ tokens })`) in any sliding 60 s window. Default: unlimited. */
  readonly tokensPerMinute?: number;
  /**
   * Extra sliding windows, e.g. `[{ requests: 5, per: 1_000 }]` for five
   * calls per second (or a "minute" compressed for tests). Default: none.
   */
  readonly windows?: readonly WindowLimit[];
  /** The IANA time zone of `requestsPerDay`'s day. Default: `'America/Los_Angeles'`. */
  readonly timeZone?: string;
  /**
   * Milliseconds added to every window's length. Default: `0`: the limiter
   * is exact (at most N calls in any window, and no slower). Raise it when the
   * limit is counted elsewhere (a server counts arrivals, not departures).
   */
  readonly safetyMarginMs?: number;
  /**
   * When the day's quota is spent: `'wait'` until the next day, or `'fail'`:
   * `waitIfNeeded()` rejects with a `RequestFailedError` of kind
   * `daily_quota_exhausted`. Default: `'wait'`.
   */
  readonly onDailyExhaustion?: 'wait' | 'fail';
  /** The clock and the timer. Default: `asyncScheduler`; a `TestScheduler` for virtual time. */
  readonly scheduler?: SchedulerLike;
  /**
   * Where the budget lives, e.g. a store shared by several processes; the
   * limits above are then the store's own. Default: a `MemoryStore` of the limits above.
   */
  readonly store?: BudgetStore;
  /** The limiter's name: its quota group in the store and its service in `pool.usage$`. Default: `'rate-limiter'`. */
  readonly name?: string;
}

/** Options of {@link RateLimiter.waitIfNeeded}. */
export interface WaitOptions {
  /** Tokens this call spends against `tokensPerMinute` / token windows. Default: 0. */
  readonly tokens?: number;
}

interface Waiter {
  readonly tokens: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The seed's `RateLimiter`, built on `schedule()` itself: each waiting call
 * is a request in a one-key pool whose budget is the limits, and the request
 * "sends" by letting the caller go. So the limiter has exactly the
 * scheduler's semantics: sliding windows, the calendar day, one timer, FIFO
 * order, and exactness under any number of concurrent callers (a call is let
 * go the moment the budget admits it, and never before).
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ requestsPerMinute: 10, requestsPerDay: 1000 });
 * // Option 1: the seed's decorator
 * const myApiFunction = limiter.limit(async () => callApi());
 * // Option 2: manual control
 * await limiter.waitIfNeeded();
 * await callApi();
 * ```
 */
export class RateLimiter {
  /** The one-key pool that holds the budget; its `usage$` shows every call let go (`dispatched`). */
  readonly pool: KeyPool;
  readonly #waiters = new Subject<Waiter>();
  readonly #pending = new Set<Waiter>();
  readonly #subscription: Subscription;
  #failure: { error: unknown } | undefined;

  /** @throws {@link InvalidOptionError} naming a bad option, or when no limit is given. */
  constructor(options: RateLimiterOptions = {}) {
    const limits: { -readonly [K in keyof Limits]: Limits[K] } = {};
    for (const field of ['requestsPerMinute', 'requestsPerDay', 'tokensPerMinute'] as const) {
      const value = options[field];
      if (value !== undefined) limits[field] = checkPositiveInteger(value, field);
    }
    if (options.windows !== undefined) limits.windows = options.windows;
    if (options.store === undefined && Object.keys(limits).length === 0) {
      throw new InvalidOptionError(
        'requestsPerMinute',
        'at least one limit (requestsPerMinute, requestsPerDay, tokensPerMinute or windows), or a store',
        undefined,
      );
    }
    const name = options.name ?? 'rate-limiter';
    this.pool = KeyPool.fromKeys(name, [{ name, secret: `${name}-has-no-secret` }], {
      limits,
      safetyMarginMs: options.safetyMarginMs ?? 0,
      ...(options.timeZone === undefined ? {} : { timeZone: options.timeZone }),
      ...(options.store === undefined ? {} : { store: options.store }),
    });
    const letGo = schedule<Waiter, true>(this.pool, () => of(true as const), {
      concurrency: Number.POSITIVE_INFINITY,
      maxAttempts: 1,
      estimateTokens: (waiter) => waiter.tokens,
      modelOf: () => 'default',
      ...(options.onDailyExhaustion === undefined
        ? {}
        : { onDailyExhaustion: options.onDailyExhaustion }),
      ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }),
    });
    this.#subscription = this.#waiters.pipe(letGo).subscribe({
      next: (result) => {
        this.#pending.delete(result.request);
        if (result.ok) result.request.resolve();
        else result.request.reject(result.error);
      },
      error: (error: unknown) => this.#rejectAll(error),
    });
  }

  /**
   * Resolves as soon as one more call fits in every limit (at once when it
   * already does), counting that call. Callers are let go in the order they
   * asked.
   *
   * @throws {@link InvalidOptionError} (as a rejection) for a negative or non-finite `tokens`.
   */
  waitIfNeeded(options: WaitOptions = {}): Promise<void> {
    const tokens = options.tokens ?? 0;
    if (typeof tokens !== 'number' || !Number.isFinite(tokens) || tokens < 0) {
      return Promise.reject(new InvalidOptionError('tokens', 'a finite number >= 0', tokens));
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure.error);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { tokens, resolve, reject };
      this.#pending.add(waiter);
      this.#waiters.next(waiter);
    });
  }

  /**
   * The seed's decorator: `fn` wrapped so that every call first waits for
   * the limiter. The wrapper keeps `this` and the arguments and resolves
   * with `fn`'s result.
   *
   * @example `const limited = limiter.limit((prompt: string) => model.generateContent(prompt));`
   */
  limit<Args extends unknown[], R>(
    fn: (...args: Args) => R,
  ): (...args: Args) => Promise<Awaited<R>> {
    const wait = () => this.waitIfNeeded();
    return async function limited(this: unknown, ...args: Args): Promise<Awaited<R>> {
      await wait();
      return await fn.apply(this, args);
    };
  }

  /** Callers waiting now (not yet let go). */
  get waiting(): number {
    return this.#pending.size;
  }

  /**
   * Stops the limiter: its timer is cancelled, callers still waiting are
   * rejected with {@link CompatClosedError}, and later calls reject too.
   */
  close(): void {
    if (this.#failure !== undefined) return;
    this.#subscription.unsubscribe();
    this.#waiters.complete();
    this.#rejectAll(new CompatClosedError('RateLimiter closed before this call was let go.'));
  }

  #rejectAll(error: unknown): void {
    this.#failure = { error };
    const waiting = [...this.#pending];
    this.#pending.clear();
    for (const waiter of waiting) waiter.reject(error);
  }
}
