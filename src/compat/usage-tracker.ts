import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { dayKeyOf, GEMINI_QUOTA_TIME_ZONE, validateTimeZone } from '../budget/index.js';
import {
  type DailyReport,
  DEFAULT_REPORT_DIR,
  type FailedEvent,
  getHistoricalReport,
  type HistoricalReport,
  type KeyUsage,
  usageEventFromRecord,
  type WarningHandler,
} from '../usage/index.js';
import { DayLedger } from './day-ledger.js';
import { CompatClosedError } from './errors.js';

/** Options of {@link UsageTracker}. */
export interface UsageTrackerOptions {
  /** The service: names the report files. Default: `'gemini'`. */
  readonly serviceName?: string;
  /** The directory of daily report files. Default: `'reports/api_usage'`. */
  readonly reportsDir?: string;
  /** The IANA time zone whose calendar day a report covers. Default: `'America/Los_Angeles'`. */
  readonly timeZone?: string;
  /** Most one report write per this many ms while usage is recorded. Default: 2000. */
  readonly debounceMs?: number;
  /** Flush the report on SIGINT/SIGTERM. Default: `true`. */
  readonly flushOnSignals?: boolean;
  /** The clock (and the timer of debounced writes). Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** Told about corrupt report files moved aside and failed writes. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
}

/** One call recorded by hand: the seed's `record_usage(key_name, success, cost)`. */
export interface UsageTrackerRecord {
  /** The key's name (never its secret), e.g. `'GEMINI_API_KEY_1'` or `'default'`. */
  readonly keyName: string;
  /** Whether the call succeeded. */
  readonly success: boolean;
  /** A cost figure: tokens or anything else. Default: 0. */
  readonly cost?: number;
  /** The model. Default: `'unknown'`. */
  readonly model?: string;
  /** The key's quota group. Default: the key's name. */
  readonly group?: string;
  /** Input tokens of a successful call. Default: 0. */
  readonly inputTokens?: number;
  /** Output tokens of a successful call. Default: 0. */
  readonly outputTokens?: number;
  /** The failure kind of a failed call. Default: `'permanent'`. */
  readonly kind?: FailedEvent['kind'];
}

/** Options of {@link UsageTracker.getHistoricalReport}. */
export interface HistoryOptions {
  /** How many days, today included (a positive integer). Default: 7. */
  readonly days?: number;
}

/**
 * The seed's `UsageTracker`: usage recorded by hand, folded by the same pure
 * reducer as the scheduler's events into the same daily report files.
 *
 * Field names are camelCase; the seed's snake_case map as follows:
 * `total_calls` → `totalCalls`, `successful_calls` → `successes`,
 * `failed_calls` → the sum of `failures` (per failure kind),
 * `total_cost` / `cost` → `cost`, `last_used` → `lastUsedAt` (ISO time),
 * plus `firstUsedAt`, `rateLimited`, `inputTokens`, `outputTokens` and `group`.
 *
 * Like {@link KeyManager}, the constructor reads today's report
 * synchronously, so `getUsageReport()` counts earlier runs of the day at once.
 *
 * @example
 * ```ts
 * const tracker = new UsageTracker({ serviceName: 'gemini' });
 * tracker.recordUsage({ keyName: 'default', success: true, cost: 1.0 });
 * const report = tracker.getUsageReport();
 * const total = Object.values(report).reduce((sum, k) => sum + k.totalCalls, 0);
 * const historical = await tracker.getHistoricalReport({ days: 7 });
 * ```
 */
export class UsageTracker {
  /** The service, e.g. `'gemini'`. */
  readonly serviceName: string;
  /** The time zone of report days. */
  readonly timeZone: string;
  /** The directory of report files. */
  readonly reportsDir: string;
  readonly #scheduler: SchedulerLike;
  readonly #onWarning: WarningHandler | undefined;
  readonly #ledger: DayLedger;
  #closed = false;

  /** @throws {@link InvalidOptionError} for a bad service name, time zone or `debounceMs`. */
  constructor(options: UsageTrackerOptions = {}) {
    this.serviceName = options.serviceName ?? 'gemini';
    this.timeZone = validateTimeZone(options.timeZone ?? GEMINI_QUOTA_TIME_ZONE, 'timeZone');
    this.reportsDir = options.reportsDir ?? DEFAULT_REPORT_DIR;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#onWarning = options.onWarning;
    this.#ledger = new DayLedger({
      service: this.serviceName,
      timeZone: this.timeZone,
      dir: this.reportsDir,
      scheduler: this.#scheduler,
      debounceMs: options.debounceMs,
      flushOnSignals: options.flushOnSignals ?? true,
      onWarning:
        options.onWarning ??
        ((message: string) => process.emitWarning(message, { type: 'KeyrelayWarning' })),
    });
  }

  /**
   * Records one call (through `usageEventFromRecord` and the reducer): it
   * counts one call, and a success or a failure, at the clock's now.
   *
   * @throws {@link InvalidOptionError} for an empty key name or a negative cost or token count.
   */
  recordUsage(record: UsageTrackerRecord): void {
    if (this.#closed) throw new CompatClosedError('UsageTracker.recordUsage() after close().');
    const events = usageEventFromRecord({
      ...record,
      service: this.serviceName,
      at: this.#scheduler.now(),
    });
    for (const event of events) this.#ledger.record(event);
  }

  /** Today's usage per key name: earlier runs of the day (from the file) plus this process's. */
  getUsageReport(): Record<string, KeyUsage> {
    return { ...this.#ledger.snapshot().keys };
  }

  /** Today's whole report (keys, quota groups, totals). */
  getDailyReport(): DailyReport {
    return this.#ledger.snapshot();
  }

  /**
   * The last `days` days' reports, per day and per key (missing days are
   * zeros). Writes this process's usage first, so today is complete.
   *
   * @throws {@link InvalidOptionError} for a `days` that is not a positive integer.
   */
  async getHistoricalReport(options: HistoryOptions = {}): Promise<HistoricalReport> {
    if (!this.#closed) await this.#ledger.save();
    return getHistoricalReport({
      dir: this.reportsDir,
      service: this.serviceName,
      days: options.days ?? 7,
      today: dayKeyOf(this.#scheduler.now(), this.timeZone),
      timeZone: this.timeZone,
      ...(this.#onWarning === undefined ? {} : { onWarning: this.#onWarning }),
    });
  }

  /** Writes today's report file and resolves with its path. */
  async saveDailyReport(): Promise<string> {
    if (this.#closed) throw new CompatClosedError('UsageTracker.saveDailyReport() after close().');
    return this.#ledger.save();
  }

  /** Writes the final report and removes signal handlers. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#ledger.close();
  }
}
