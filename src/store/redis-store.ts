import type { Redis } from 'ioredis';
import { InvalidOptionError } from '../errors.js';
import { loadRedisClass } from './load-ioredis.js';
import { ACQUIRE_KEYS_PER_TARGET } from './redis-acquire-script.js';
import { defineKeyrelayCommands, type KeyrelayCommands } from './redis-commands.js';
import { DayCalendar, type DayTriple } from './redis-days.js';
import { RedisStoreError } from './redis-errors.js';
import { RedisKeyspace } from './redis-keys.js';
import { TargetEncoder } from './redis-limits.js';
import { decodeNumber, encodeNumber } from './redis-lua-prelude.js';
import {
  REDIS_CLIENT_DEFAULTS,
  type RedisClock,
  type RedisStoreOptions,
  resolveRedisStoreOptions,
} from './redis-options.js';
import { RedisTicket } from './redis-ticket.js';
import type {
  Admission,
  BudgetStore,
  DayUsage,
  FirstAdmission,
  Hold,
  QuotaTarget,
  RefusalReason,
  Ticket,
} from './types.js';

/** Options of {@link RedisStore.connect}: {@link RedisStoreOptions} without `redis`, plus a timeout. */
export interface RedisStoreConnectOptions extends Omit<RedisStoreOptions, 'redis'> {
  /** How long to wait for Redis to answer at start, in ms. Default: `10_000`. */
  readonly connectTimeoutMs?: number;
}

/** How long a budget's state outlives its longest window when nobody uses it, in ms. */
const IDLE_BUDGET_EXTRA_MS = 60_000;
const HOLD_REASONS: ReadonlySet<string> = new Set(['cooling', 'parked']);

function checkCount(value: unknown, optionPath: string): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new InvalidOptionError(optionPath, 'a finite number >= 0', value);
  }
  return value;
}

function serverOf(redis: Redis | string): string {
  if (typeof redis !== 'string') return `${redis.options.host ?? '?'}:${redis.options.port ?? '?'}`;
  try {
    const url = new URL(redis);
    return `${url.hostname}:${url.port === '' ? '6379' : url.port}`;
  } catch {
    return 'redis';
  }
}

/**
 * A {@link BudgetStore} in Redis, shared by every process and machine that
 * uses the same Redis, `prefix` and `service`: the sliding windows, the
 * daily counts, the holds (cooldowns, parks) and the disabled keys.
 *
 * - **One atomic step per dispatch.** {@link RedisStore.acquireFirst} is one
 *   Lua script call (one round trip): it checks holds, every window and the
 *   day of each target in order, and records the request on the first that
 *   admits it, with exactly `MemoryStore`'s algorithm (millisecond buckets,
 *   per-window safety margin, `'never'`, `retryAt`).
 * - **One clock.** With `clock: 'redis'` (default) every script reads Redis's
 *   `TIME`, so machines whose clocks differ cannot overspend; the `now`
 *   arguments only translate Redis times (a `retryAt`, a hold's end) into
 *   the caller's clock.
 * - **Days** are calendar days in {@link RedisStore.timeZone}: counts are
 *   kept per service, group, model and date, and expire `dayRetentionMs`
 *   after the day ends, so a process started later the same day sees them.
 * - **Disabled keys** are in Redis (names only, never a secret), announced on
 *   a pub/sub channel; {@link RedisStore.disabledReason} answers from a local
 *   copy loaded at connect and kept up to date.
 * - **Redis down:** every method rejects with {@link RedisStoreError} at once
 *   (no offline queue), the scheduler dispatches nothing, reports
 *   `store_error` and asks again with backoff; the client reconnects with
 *   backoff, and holds and disables decided meanwhile are written when it is
 *   back.
 *
 * @example
 * ```ts
 * const store = await RedisStore.connect('redis://127.0.0.1:6379', {
 *   limits: { requestsPerMinute: 15, requestsPerDay: 1_500 },
 * });
 * const pool = KeyPool.fromEnv('gemini', { store });
 * // … when done:
 * await store.close();
 * ```
 */
export class RedisStore implements BudgetStore {
  /** The IANA time zone of the daily limits (canonical name). */
  readonly timeZone: string;
  /** The prefix of every key. */
  readonly prefix: string;
  /** The service whose budgets these are. */
  readonly service: string;
  /** Whose clock counts time. */
  readonly clock: RedisClock;
  /**
   * Settles once the disabled keys have been loaded and the store listens for
   * new ones; {@link RedisStore.connect} waits for it. The store works before
   * (commands reject until Redis answers).
   */
  readonly ready: Promise<void>;

  readonly #client: Redis;
  readonly #subscriber: Redis;
  readonly #ownsClient: boolean;
  readonly #commands: KeyrelayCommands;
  readonly #keys: RedisKeyspace;
  readonly #targets: TargetEncoder;
  readonly #days: DayCalendar;
  readonly #server: string;
  readonly #dayRetention: string;
  readonly #onError: ((error: Error) => void) | undefined;
  readonly #disabled = new Map<string, string>();
  /** Holds and disables that could not be written; written when Redis is back. */
  readonly #pendingHolds = new Map<string, { field: string; reason: string; until: number }>();
  readonly #pendingDisables = new Map<string, string>();
  /** Redis's clock minus the caller's, from the latest answer (`'redis'` clock only). */
  #offset = 0;
  #closed = false;
  #markLoaded: () => void = () => undefined;

  readonly #handleError = (error: Error): void => {
    this.#onError?.(error);
  };
  readonly #handleReady = (): void => {
    void this.#refreshDisabled().catch(() => undefined);
    this.#flushPending();
  };
  readonly #handleMessage = (_channel: string, message: string): void => {
    try {
      const { name, reason } = JSON.parse(message) as { name?: unknown; reason?: unknown };
      if (typeof name === 'string' && typeof reason === 'string') this.#disabled.set(name, reason);
    } catch {
      // Not ours: ignore.
    }
  };

  /**
   * Make a store; it connects at once (see {@link RedisStore.ready}), or use
   * {@link RedisStore.connect} to wait until Redis answers.
   *
   * @throws {@link InvalidOptionError} naming the option, e.g. `redis`, `limits[1].per` or `clock`.
   */
  constructor(options: RedisStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.timeZone = resolved.timeZone;
    this.prefix = resolved.prefix;
    this.service = resolved.service;
    this.clock = resolved.clock;
    this.#onError = resolved.onError;
    this.#server = serverOf(resolved.redis);
    this.#dayRetention = String(resolved.dayRetentionMs);
    this.#keys = new RedisKeyspace(resolved.prefix, resolved.service);
    this.#targets = new TargetEncoder(resolved.rules, resolved.safetyMarginMs, this.#keys);
    this.#days = new DayCalendar(resolved.timeZone);

    this.#ownsClient = typeof resolved.redis === 'string';
    this.#client =
      typeof resolved.redis === 'string'
        ? new (loadRedisClass())(resolved.redis, { ...REDIS_CLIENT_DEFAULTS })
        : resolved.redis;
    if (this.#client.status === 'wait') this.#client.connect().catch(() => undefined);
    this.#commands = defineKeyrelayCommands(this.#client);
    this.#subscriber = this.#client.duplicate({
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
      lazyConnect: false,
    });
    for (const client of [this.#client, this.#subscriber]) {
      client.on('error', this.#handleError);
      client.on('ready', this.#handleReady);
    }
    this.#subscriber.on('message', this.#handleMessage);

    const loaded = new Promise<void>((resolve) => {
      this.#markLoaded = resolve;
    });
    const subscribed = this.#subscriber.subscribe(this.#keys.disabledChannel).then(() => undefined);
    if (this.#client.status === 'ready') this.#handleReady();
    this.ready = Promise.all([subscribed, loaded]).then(() => undefined);
    this.ready.catch(() => undefined);
  }

  /**
   * Make a store and wait until Redis answers and the disabled keys are loaded.
   *
   * @param redis - A `redis://` URL (the store owns its client) or an ioredis client.
   * @throws {@link RedisStoreError} when Redis does not answer within `connectTimeoutMs`.
   * @throws {@link InvalidOptionError} for invalid options.
   */
  static async connect(
    redis: Redis | string,
    options: RedisStoreConnectOptions = {},
  ): Promise<RedisStore> {
    const { connectTimeoutMs = 10_000, ...rest } = options;
    if (!Number.isSafeInteger(connectTimeoutMs) || connectTimeoutMs < 1) {
      throw new InvalidOptionError(
        'connectTimeoutMs',
        'a positive integer of ms',
        connectTimeoutMs,
      );
    }
    const store = new RedisStore({ ...rest, redis });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RedisStoreError(
              'connect',
              store.#server,
              new Error(`no answer within ${connectTimeoutMs} ms`),
            ),
          ),
        connectTimeoutMs,
      );
    });
    try {
      await Promise.race([store.ready, timeout]);
    } catch (error) {
      await store.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return store;
  }

  /**
   * Take budget for one request on the first of `targets` that admits it,
   * in one Lua script call (one round trip); or say when the earliest could
   * and why each refused. `retryAt` and the ticket's `at` are on the caller's
   * clock.
   *
   * @throws {@link InvalidOptionError} (synchronously) for a negative or non-finite `tokens`.
   * @returns A promise that rejects with {@link RedisStoreError} when Redis does not answer.
   */
  acquireFirst(
    targets: readonly QuotaTarget[],
    tokens: number,
    now: number,
  ): Promise<FirstAdmission> {
    if (!(tokens >= 0) || tokens === Number.POSITIVE_INFINITY) {
      throw new InvalidOptionError(
        'tokens',
        'a finite number of estimated input tokens >= 0',
        tokens,
      );
    }
    if (targets.length === 0) {
      return Promise.resolve({ ok: false, retryAt: Number.POSITIVE_INFINITY, reasons: [] });
    }
    const encoded = targets.map((target) => this.#targets.encode(target));
    return this.#run('acquireFirst', async () => {
      for (let attempt = 0; ; attempt++) {
        const days = this.#days.around(this.#toRedis(now));
        const keys: string[] = [this.#keys.holds];
        const args: string[] = [
          this.clock,
          encodeNumber(now),
          encodeNumber(tokens),
          String(encoded.length),
          ...days.bounds.map(encodeNumber),
          this.#dayRetention,
          String(IDLE_BUDGET_EXTRA_MS),
        ];
        for (const target of encoded) {
          keys.push(target.stateKey, target.logKey, ...this.#dayKeys(target.target, days));
          args.push(...target.args);
        }
        const reply = await this.#commands.keyrelayAcquire(keys.length, ...keys, ...args);
        this.#learnClock(reply[1], now);
        if (reply[0] === 'ok') {
          const index = Number(reply[2]);
          const target = encoded[index]!;
          const at = decodeNumber(reply[3]);
          const dayKey = keys[1 + index * ACQUIRE_KEYS_PER_TARGET + 2 + Number(reply[5])]!;
          const ticket = new RedisTicket(target.target, this.#fromRedis(at), {
            owner: this,
            keys: [target.stateKey, target.logKey, dayKey],
            seq: decodeNumber(reply[4]),
            bucketAt: at,
            tokens,
          });
          return { ok: true, index, ticket };
        }
        if (reply[0] === 'no') {
          return {
            ok: false,
            retryAt: this.#fromRedis(decodeNumber(reply[2])),
            reasons: reply.slice(3) as RefusalReason[],
          };
        }
        this.#checkSkew(attempt);
      }
    });
  }

  /**
   * Take budget for one request on one target (one round trip), or say when it could go.
   *
   * @throws {@link InvalidOptionError} (synchronously) for a negative or non-finite `tokens`.
   */
  tryAcquire(target: QuotaTarget, tokens: number, now: number): Promise<Admission> {
    return this.acquireFirst([target], tokens, now).then((answer) =>
      answer.ok
        ? { ok: true, ticket: answer.ticket }
        : { ok: false, retryAt: answer.retryAt, reason: answer.reasons[0]! },
    );
  }

  /**
   * Correct a reservation once the real input token count is known, in one
   * atomic script call (nothing is sent when the estimate was right). A
   * ticket from another store, or a negative or non-finite count, is ignored.
   */
  reconcile(ticket: Ticket, actualTokens: number, _now: number): Promise<void> {
    const reservation = RedisTicket.reservationOf(ticket, this);
    if (reservation === undefined) return Promise.resolve();
    if (!(actualTokens >= 0) || actualTokens === Number.POSITIVE_INFINITY) return Promise.resolve();
    const delta = actualTokens - reservation.tokens;
    if (delta === 0) return Promise.resolve();
    return this.#run('reconcile', async () => {
      await this.#commands.keyrelayReconcile(
        3,
        ...reservation.keys,
        encodeNumber(reservation.seq),
        encodeNumber(reservation.bucketAt),
        encodeNumber(delta),
      );
      reservation.tokens = actualTokens;
    });
  }

  /**
   * Hold `target` back until `hold.until` (caller's clock) for every process;
   * a hold that ends later stays. When Redis is down the hold is written once
   * it is back (and the promise rejects meanwhile).
   *
   * @throws {@link InvalidOptionError} (synchronously) for an unknown reason or an `until` that is not a number.
   */
  hold(target: QuotaTarget, hold: Hold): Promise<void> {
    if (!HOLD_REASONS.has(hold.reason)) {
      throw new InvalidOptionError('hold.reason', "'cooling' or 'parked'", hold.reason);
    }
    if (typeof hold.until !== 'number' || Number.isNaN(hold.until)) {
      throw new InvalidOptionError('hold.until', 'a time in ms since the epoch', hold.until);
    }
    const field = this.#keys.holdField(target);
    const pending = { field, reason: hold.reason, until: this.#toRedis(hold.until) };
    return this.#run('hold', async () => {
      try {
        await this.#writeHold(pending);
      } catch (error) {
        const earlier = this.#pendingHolds.get(field);
        if (earlier === undefined || earlier.until <= pending.until) {
          this.#pendingHolds.set(field, pending);
        }
        throw error;
      }
    });
  }

  /** The hold in force on `target` at Redis's now (or `now` with `clock: 'caller'`), if any. */
  holdOf(target: QuotaTarget, now: number): Promise<Hold | undefined> {
    return this.#run('holdOf', async () => {
      const reply = await this.#commands.keyrelayHoldOf(
        1,
        this.#keys.holds,
        this.clock,
        encodeNumber(now),
        this.#keys.holdField(target),
      );
      this.#learnClock(reply[0], now);
      if (reply.length < 3) return undefined;
      return {
        reason: reply[1] as Hold['reason'],
        until: this.#fromRedis(decodeNumber(reply[2])),
      };
    });
  }

  /** Requests and tokens counted for `target` on the current day (in {@link RedisStore.timeZone}), by every process. */
  usageOn(target: QuotaTarget, now: number): Promise<DayUsage> {
    return this.#run('usageOn', async () => {
      const reply = await this.#withDays(now, (days) =>
        this.#commands.keyrelayUsage(
          3,
          ...this.#dayKeys(target, days),
          this.clock,
          encodeNumber(now),
          ...days.bounds.map(encodeNumber),
        ),
      );
      return { requests: decodeNumber(reply[2]), tokens: decodeNumber(reply[3]) };
    });
  }

  /**
   * Raise the current day's counts to at least `usage` (from a report file):
   * idempotent, so every process seeding from the same report counts it once.
   *
   * @throws {@link InvalidOptionError} (synchronously) when a count is negative or not finite.
   */
  seedDay(target: QuotaTarget, usage: DayUsage, now: number): Promise<void> {
    const requests = checkCount(usage.requests, 'usage.requests');
    const tokens = checkCount(usage.tokens, 'usage.tokens');
    return this.#run('seedDay', async () => {
      await this.#withDays(now, (days) =>
        this.#commands.keyrelaySeed(
          3,
          ...this.#dayKeys(target, days),
          this.clock,
          encodeNumber(now),
          ...days.bounds.map(encodeNumber),
          encodeNumber(requests),
          encodeNumber(tokens),
          this.#dayRetention,
        ),
      );
    });
  }

  /**
   * Mark a key unusable for every process sharing the store (its name only;
   * the first reason given stays). Seen here at once, elsewhere through pub/sub;
   * when Redis is down it is written once it is back.
   */
  disableKey(keyName: string, reason: string): Promise<void> {
    if (!this.#disabled.has(keyName)) this.#disabled.set(keyName, reason);
    return this.#run('disableKey', async () => {
      try {
        await this.#writeDisable(keyName, reason);
      } catch (error) {
        if (!this.#pendingDisables.has(keyName)) this.#pendingDisables.set(keyName, reason);
        throw error;
      }
    });
  }

  /** Why a key was disabled (by any process), or `undefined` while it is usable. Synchronous. */
  disabledReason(keyName: string): string | undefined {
    return this.#disabled.get(keyName);
  }

  /** Stop listening and, when the store made its client from a URL, close it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#markLoaded();
    for (const client of [this.#client, this.#subscriber]) {
      client.off('ready', this.#handleReady);
    }
    this.#subscriber.off('message', this.#handleMessage);
    await quitQuietly(this.#subscriber);
    this.#subscriber.off('error', this.#handleError);
    if (this.#ownsClient) await quitQuietly(this.#client);
    this.#client.off('error', this.#handleError);
  }

  #dayKeys(target: QuotaTarget, days: DayTriple): [string, string, string] {
    return [
      this.#keys.day(target, days.dates[0]),
      this.#keys.day(target, days.dates[1]),
      this.#keys.day(target, days.dates[2]),
    ];
  }

  #toRedis(time: number): number {
    return this.clock === 'redis' ? time + this.#offset : time;
  }

  #fromRedis(time: number): number {
    return this.clock === 'redis' ? time - this.#offset : time;
  }

  #learnClock(redisNow: string | undefined, callerNow: number): void {
    if (this.clock !== 'redis') return;
    const at = decodeNumber(redisNow);
    if (Number.isFinite(at) && Number.isFinite(callerNow)) this.#offset = at - callerNow;
  }

  #checkSkew(attempt: number): void {
    if (attempt >= 2) {
      throw new Error(
        `Redis's clock is more than a day away from this machine's (offset ${this.#offset} ms); fix the clocks`,
      );
    }
  }

  /** Runs a day script, again around Redis's time when it was outside the days sent. */
  async #withDays(now: number, run: (days: DayTriple) => Promise<string[]>): Promise<string[]> {
    for (let attempt = 0; ; attempt++) {
      const reply = await run(this.#days.around(this.#toRedis(now)));
      this.#learnClock(reply[1], now);
      if (reply[0] !== 'skew') return reply;
      this.#checkSkew(attempt);
    }
  }

  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new RedisStoreError(operation, this.#server, new Error('the store is closed'));
    }
    try {
      return await work();
    } catch (error) {
      if (error instanceof RedisStoreError) throw error;
      throw new RedisStoreError(operation, this.#server, error);
    }
  }

  #writeHold(hold: { field: string; reason: string; until: number }): Promise<number> {
    return this.#commands.keyrelayHold(
      1,
      this.#keys.holds,
      hold.field,
      hold.reason,
      encodeNumber(hold.until),
    );
  }

  #writeDisable(keyName: string, reason: string): Promise<number> {
    return this.#commands.keyrelayDisable(
      1,
      this.#keys.disabled,
      this.#keys.disabledChannel,
      keyName,
      reason,
    );
  }

  async #refreshDisabled(): Promise<void> {
    if (this.#closed || this.#client.status !== 'ready') return;
    const all = await this.#client.hgetall(this.#keys.disabled);
    for (const [name, reason] of Object.entries(all)) this.#disabled.set(name, reason);
    this.#markLoaded();
  }

  #flushPending(): void {
    if (this.#closed || this.#client.status !== 'ready') return;
    for (const [field, hold] of this.#pendingHolds) {
      this.#pendingHolds.delete(field);
      this.#writeHold(hold).catch(() => {
        if (!this.#pendingHolds.has(field)) this.#pendingHolds.set(field, hold);
      });
    }
    for (const [name, reason] of this.#pendingDisables) {
      this.#pendingDisables.delete(name);
      this.#writeDisable(name, reason).catch(() => {
        if (!this.#pendingDisables.has(name)) this.#pendingDisables.set(name, reason);
      });
    }
  }
}

async function quitQuietly(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
