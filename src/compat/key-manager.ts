import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import { startOfNextDay } from '../budget/index.js';
import { InvalidOptionError } from '../errors.js';
import type { ApiKey } from '../keys/api-key.js';
import { KeyPool, type KeyPoolFromEnvOptions } from '../pool/index.js';
import type { FirstAdmission, QuotaTarget } from '../store/types.js';
import {
  type DailyReport,
  DEFAULT_REPORT_DIR,
  type FailedEvent,
  type KeyUsage,
  type WarningHandler,
} from '../usage/index.js';
import { DayLedger } from './day-ledger.js';
import { CompatClosedError, NoKeyAvailableError, type NoKeyReason } from './errors.js';
import { describeMoment } from './format-time.js';

/** The model `getNextKey()` counts requests against unless told otherwise. */
export const DEFAULT_KEY_MANAGER_MODEL = 'gemini-2.0-flash';

/**
 * Options of {@link KeyManager}: the seed's `service_name`, plus the pool's
 * options (where keys come from, limits, time zone) and where reports go.
 */
export interface KeyManagerOptions extends KeyPoolFromEnvOptions {
  /**
   * The service: keys are read from `<SERVICE>_API_KEY` and
   * `<SERVICE>_API_KEY_<n>`, and name the report files. Default: `'gemini'`.
   */
  readonly serviceName?: string;
  /**
   * Use this pool (its keys, store and `usage$`) instead of loading keys
   * from the environment; the key-loading and limit options are then ignored.
   * Default: `KeyPool.fromEnv(serviceName, options)`.
   */
  readonly pool?: KeyPool;
  /** The model whose budget `getNextKey()` draws on. Default: `'gemini-2.0-flash'`. */
  readonly model?: string;
  /** The directory of daily report files. Default: `'reports/api_usage'`. */
  readonly reportsDir?: string;
  /** Most one report write per this many ms while keys are handed out. Default: 2000. */
  readonly debounceMs?: number;
  /** Flush the report on SIGINT/SIGTERM. Default: `true`. */
  readonly flushOnSignals?: boolean;
  /** The clock (and the timer of debounced writes). Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /**
   * Told about duplicate keys, corrupt report files moved aside and failed
   * background writes. Default: `process.emitWarning`.
   */
  readonly onWarning?: WarningHandler;
}

/** Options of {@link KeyManager.getNextKey}. */
export interface NextKeyOptions {
  /** The model of the request. Default: the manager's `model`. */
  readonly model?: string;
  /** Estimated input tokens of the request (they count against token windows). Default: 0. */
  readonly tokens?: number;
}

/** What the caller learnt from a call made with a key from {@link KeyManager.getNextKey}. */
export interface KeyOutcome {
  /** Whether the call succeeded. */
  readonly success: boolean;
  /** Input tokens the server reported. Default: 0. */
  readonly inputTokens?: number;
  /** Output tokens the server reported. Default: 0. */
  readonly outputTokens?: number;
  /** A cost figure. Default: `inputTokens + outputTokens`. */
  readonly cost?: number;
  /** For a failure: its kind. Default: `'permanent'`. */
  readonly kind?: FailedEvent['kind'];
  /** The model. Default: the manager's `model`. */
  readonly model?: string;
}

/** A 429 the caller received on a key from {@link KeyManager.getNextKey}. */
export interface RateLimitNotice {
  /** True when the day's quota is spent: the key's group is parked until the next day. Default: `false`. */
  readonly perDay?: boolean;
  /** How long to cool the key's group (the 429's `RetryInfo.retryDelay`), in ms. Default: 60 000. */
  readonly retryAfterMs?: number;
  /** The model. Default: the manager's `model`. */
  readonly model?: string;
}

/**
 * The seed's `KeyManager`: hands out keys round-robin, one at a time, for
 * code that calls the API itself. A thin shell over a {@link KeyPool}: each
 * `getNextKey()` takes budget from the pool's store exactly as `schedule()`
 * does (same limits, same groups, same cursor) and publishes a `dispatched`
 * event on `pool.usage$`, so reports count it.
 *
 * **Start-up is synchronous.** The constructor reads today's report file
 * (`<reportsDir>/<service>_<YYYY-MM-DD>.json`, the day in the quota's time
 * zone) with a synchronous read and seeds the pool's daily budgets from it
 * before it returns, so the very first `getNextKey()` of a restarted process
 * already sees only what is left of the day. A corrupt file is moved aside
 * with a warning and counting starts from zero. Writes are asynchronous:
 * debounced while keys are handed out, and at `saveDailyReport()` / `close()`.
 *
 * @example
 * ```ts
 * const keyManager = new KeyManager({
 *   serviceName: 'gemini',
 *   limits: { requestsPerMinute: 15, requestsPerDay: 1_500 },
 * });
 * const [keyName, apiKey] = keyManager.getNextKey();
 * const response = await callApiWithKey(apiKey);
 * await keyManager.saveDailyReport();
 * ```
 */
export class KeyManager {
  /** The pool whose keys and budgets are handed out; pass it to `schedule()` too. */
  readonly pool: KeyPool;
  /** The service, e.g. `'gemini'`. */
  readonly serviceName: string;
  /** The default model of {@link KeyManager.getNextKey}. */
  readonly model: string;
  readonly #scheduler: SchedulerLike;
  readonly #ledger: DayLedger;
  readonly #subscription: Subscription;
  readonly #onWarning: WarningHandler;
  /** Seeding a shared store (promises) from today's report, until done. */
  readonly #seeding: Promise<void> | undefined;
  #closed = false;

  /**
   * @throws NoKeysError when no `<SERVICE>_API_KEY*` variable is set (the
   *   message lists where it looked), and the key loader's other errors.
   * @throws {@link InvalidOptionError} for a bad option.
   */
  constructor(options: KeyManagerOptions = {}) {
    const serviceName = options.serviceName ?? options.pool?.service ?? 'gemini';
    const model = options.model ?? DEFAULT_KEY_MANAGER_MODEL;
    if (typeof model !== 'string' || model === '') {
      throw new InvalidOptionError('model', 'a model name such as "gemini-2.0-flash"', model);
    }
    this.pool = options.pool ?? KeyPool.fromEnv(serviceName, options);
    this.serviceName = this.pool.service;
    this.model = model;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    const onWarning =
      options.onWarning ??
      ((message: string) => process.emitWarning(message, { type: 'KeyrelayWarning' }));
    this.#ledger = new DayLedger({
      service: this.pool.service,
      timeZone: this.pool.timeZone,
      dir: options.reportsDir ?? DEFAULT_REPORT_DIR,
      scheduler: this.#scheduler,
      debounceMs: options.debounceMs,
      flushOnSignals: options.flushOnSignals ?? true,
      onWarning,
    });
    const startedAt = this.#scheduler.now();
    const seeding: Promise<void>[] = [];
    for (const [group, models] of Object.entries(this.#ledger.earlier?.quota ?? {})) {
      for (const [target, usage] of Object.entries(models)) {
        const seeded = this.pool.store.seedDay(
          { group, model: target },
          { requests: usage.requests, tokens: usage.inputTokens },
          startedAt,
        );
        if (isPromise(seeded)) seeding.push(seeded);
      }
    }
    this.#seeding = seeding.length === 0 ? undefined : Promise.all(seeding).then(() => undefined);
    this.#onWarning = onWarning;
    this.#subscription = this.pool.usage$.subscribe((event) => this.#ledger.record(event));
  }

  /**
   * The next key, round-robin from the pool's cursor, among keys that are
   * not disabled and whose quota group has budget for one more request now
   * (sliding windows, the day's quota, no cooldown after a 429). The request
   * is counted against that group's budget and reported as dispatched.
   *
   * @returns `[keyName, apiKey]`: the key's name (for reports and logs) and
   *   its secret (for the API client; never log it).
   * @throws {@link NoKeyAvailableError} when no key has budget now; its
   *   `retryAt` and message say when the first one will.
   */
  getNextKey(options: NextKeyOptions = {}): [keyName: string, apiKey: string] {
    const { model, tokens, candidates } = this.#candidates(options);
    const now = this.#scheduler.now();
    const admission = this.pool.store.acquireFirst(candidates.targets, tokens, now);
    if (isPromise(admission)) {
      admission.catch(() => undefined);
      throw new InvalidOptionError(
        'store',
        'a local store (the default MemoryStore) for the synchronous getNextKey(); with a shared store, use `await keyManager.nextKey()`',
        'a shared store',
      );
    }
    return this.#settle(admission, candidates, model, tokens, now);
  }

  /**
   * {@link KeyManager.getNextKey} for any store, shared ones (Redis) included:
   * resolves with `[keyName, apiKey]` once the store has answered.
   *
   * @throws {@link NoKeyAvailableError} (as a rejection) when no key has budget now.
   */
  async nextKey(options: NextKeyOptions = {}): Promise<[keyName: string, apiKey: string]> {
    if (this.#seeding !== undefined) await this.#seeding;
    const { model, tokens, candidates } = this.#candidates(options);
    const admission = await this.pool.store.acquireFirst(
      candidates.targets,
      tokens,
      this.#scheduler.now(),
    );
    return this.#settle(admission, candidates, model, tokens, this.#scheduler.now());
  }

  /** One target per quota group, in round-robin order from the cursor, for its first usable key. */
  #candidates(options: NextKeyOptions) {
    if (this.#closed) throw new CompatClosedError('KeyManager.getNextKey() after close().');
    const model = options.model ?? this.model;
    const tokens = options.tokens ?? 0;
    const { keys, store } = this.pool;
    const count = keys.length;
    const start = count === 0 ? 0 : this.pool.cursor % count;
    const seen = new Set<string>();
    const candidates: Candidates = { targets: [], indexes: [] };
    for (let step = 0; step < count; step++) {
      const index = (start + step) % count;
      const key = keys[index]!;
      if (store.disabledReason(key.name) !== undefined || seen.has(key.group)) continue;
      seen.add(key.group);
      candidates.targets.push({ group: key.group, model });
      candidates.indexes.push(index);
    }
    return { model, tokens, candidates };
  }

  #settle(
    admission: FirstAdmission,
    candidates: Candidates,
    model: string,
    tokens: number,
    now: number,
  ): [keyName: string, apiKey: string] {
    if (!admission.ok) {
      const refused = new Map<string, { retryAt: number; reason: NoKeyReason }>();
      candidates.targets.forEach((target, i) => {
        const reason = admission.reasons[i] ?? 'window';
        // Only the earliest retry over all targets is known; the reasons are per target.
        refused.set(target.group, { retryAt: admission.retryAt, reason });
      });
      throw this.#noKey(model, refused, now);
    }
    const index = candidates.indexes[admission.index]!;
    const key = this.pool.keys[index]!;
    this.pool.advanceCursor(index);
    this.pool.emit({
      type: 'dispatched',
      service: this.pool.service,
      key: key.name,
      group: key.group,
      model,
      at: now,
      attempt: 1,
      estimatedTokens: tokens,
    });
    return [key.name, key.reveal()];
  }

  /**
   * Tells the manager how a call made with a key from `getNextKey()` ended,
   * so the report counts successes, failures and tokens (the request itself
   * was counted when the key was handed out). Optional.
   *
   * @throws {@link InvalidOptionError} for an unknown key name or a negative count.
   */
  recordOutcome(keyName: string, outcome: KeyOutcome): void {
    const key = this.#keyNamed(keyName);
    const inputTokens = count('inputTokens', outcome.inputTokens);
    const outputTokens = count('outputTokens', outcome.outputTokens);
    const cost =
      outcome.cost === undefined ? inputTokens + outputTokens : count('cost', outcome.cost);
    const base = this.#eventBase(key, outcome.model);
    if (outcome.success) {
      this.pool.emit({ type: 'succeeded', ...base, inputTokens, outputTokens, latencyMs: 0, cost });
    } else {
      this.pool.emit({
        type: 'failed',
        ...base,
        kind: outcome.kind ?? 'permanent',
        message: 'reported by hand',
        final: true,
        latencyMs: 0,
        cost,
      });
    }
  }

  /**
   * Tells the manager a key got HTTP 429: its quota group cools for
   * `retryAfterMs` (or is parked until the next day when `perDay`), as
   * `schedule()` would do, and `getNextKey()` skips it meanwhile.
   *
   * @throws {@link InvalidOptionError} for an unknown key name.
   */
  reportRateLimited(keyName: string, notice: RateLimitNotice = {}): void {
    const key = this.#keyNamed(keyName);
    const base = this.#eventBase(key, notice.model);
    const target: QuotaTarget = { group: key.group, model: base.model };
    const perDay = notice.perDay === true;
    const retryAfterMs = count('retryAfterMs', notice.retryAfterMs ?? 60_000);
    const until = perDay ? startOfNextDay(base.at, this.pool.timeZone) : base.at + retryAfterMs;
    this.pool.emit({ type: 'rate_limited', ...base, perDay, retryAfterMs });
    const held = this.pool.store.hold(target, { reason: perDay ? 'parked' : 'cooling', until });
    if (isPromise(held)) {
      held.catch((error: unknown) =>
        this.#onWarning(
          `keyrelay: holding ${key.group} in the shared store failed: ${String(error)}`,
        ),
      );
    }
    this.pool.emit({ type: perDay ? 'parked' : 'cooled', ...base, until });
  }

  /** Today's usage per key name (this process's plus earlier runs' of the day). */
  getUsageReport(): Record<string, KeyUsage> {
    return { ...this.#ledger.snapshot().keys };
  }

  /** Today's whole report (keys, quota groups, totals). */
  getDailyReport(): DailyReport {
    return this.#ledger.snapshot();
  }

  /**
   * The seed's `save_daily_report()`: writes today's report to
   * `<reportsDir>/<service>_<YYYY-MM-DD>.json` (atomically, adding to what
   * other processes wrote) and resolves with its path.
   */
  async saveDailyReport(): Promise<string> {
    if (this.#closed) throw new CompatClosedError('KeyManager.saveDailyReport() after close().');
    return this.#ledger.save();
  }

  /** Stops listening to the pool, writes the final report and removes signal handlers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.unsubscribe();
    await this.#ledger.close();
  }

  #keyNamed(keyName: string): ApiKey {
    const key = this.pool.keys.find((candidate) => candidate.name === keyName);
    if (key === undefined) {
      throw new InvalidOptionError(
        'keyName',
        `the name of a key of this pool (${this.pool.keys.map(String).join(', ')})`,
        keyName,
      );
    }
    return key;
  }

  #eventBase(key: ApiKey, model: string | undefined) {
    return {
      service: this.pool.service,
      key: key.name,
      group: key.group,
      model: model ?? this.model,
      at: this.#scheduler.now(),
    };
  }

  #noKey(
    model: string,
    refused: ReadonlyMap<string, { retryAt: number; reason: NoKeyReason }>,
    now: number,
  ): NoKeyAvailableError {
    const service = this.pool.service;
    if (refused.size === 0) {
      const names = this.pool.keys.map(
        (key) => `${key.name} (${this.pool.store.disabledReason(key.name) ?? 'disabled'})`,
      );
      return new NoKeyAvailableError(
        `Every ${service} key is disabled: ${names.join('; ')}. Fix or replace the keys and start again.`,
        { service, model, retryAt: Number.POSITIVE_INFINITY, reason: 'disabled' },
      );
    }
    // The store tells the earliest retry over every group and each group's reason;
    // the reason reported is the one that usually clears soonest.
    const tally = new Map<NoKeyReason, number>();
    let retryAt = Number.POSITIVE_INFINITY;
    for (const refusal of refused.values()) {
      retryAt = Math.min(retryAt, refusal.retryAt);
      tally.set(refusal.reason, (tally.get(refusal.reason) ?? 0) + 1);
    }
    const reason = SOONEST_FIRST.find((candidate) => tally.has(candidate)) ?? 'never';
    const first = { retryAt, reason };
    const why = [...tally].map(([reason, n]) => `${n} ${REASONS[reason]}`).join(', ');
    const when =
      first.retryAt === Number.POSITIVE_INFINITY
        ? 'No key will ever take it: send a smaller request or raise the limits.'
        : `The first key frees up at ${describeMoment(first.retryAt, now, this.pool.timeZone)}.`;
    return new NoKeyAvailableError(
      `No ${service} key has budget for ${model} now (quota groups: ${why}). ${when}`,
      { service, model, retryAt: first.retryAt, reason: first.reason },
    );
  }
}

/** Reasons in the order they usually clear. */
const SOONEST_FIRST: readonly NoKeyReason[] = ['window', 'cooling', 'daily', 'parked', 'never'];

/** How {@link NoKeyAvailableError}'s message names each reason (after a count of quota groups). */
const REASONS: Readonly<Record<NoKeyReason, string>> = {
  window: 'at a per-minute (sliding window) limit',
  daily: 'spent for the day',
  cooling: 'cooling after a 429',
  parked: 'parked until the next day after a per-day 429',
  never: 'with a token window smaller than the request',
  disabled: 'disabled',
};

/** The targets offered to `acquireFirst` and the key index each stands for. */
interface Candidates {
  readonly targets: QuotaTarget[];
  readonly indexes: number[];
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | null)?.then === 'function';
}

function count(option: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(option, 'a finite number >= 0', value);
  }
  return value;
}
