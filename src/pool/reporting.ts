import {
  asyncScheduler,
  BehaviorSubject,
  map,
  type Observable,
  type SchedulerLike,
  skip,
  throttleTime,
} from 'rxjs';
import { dayKeyOf } from '../budget/index.js';
import {
  type DailyReport,
  DEFAULT_REPORT_DIR,
  emptyReport,
  emptyUsageState,
  flushOnExitSignals,
  loadDayUsage,
  mergeReports,
  ReportWriter,
  reduceUsage,
  reportId,
  type UsageState,
  type WarningHandler,
} from '../usage/index.js';
import type { KeyPool } from './key-pool.js';

/** Options of {@link attachReports}. */
export interface ReportingOptions {
  /** The directory of report files. Default: `'reports/api_usage'`. */
  readonly dir?: string;
  /** Most one report file write per this many ms while a run goes. Default: 2000. */
  readonly debounceMs?: number;
  /** Most one `reports$` snapshot per this many ms (leading and trailing). Default: 1000. */
  readonly throttleMs?: number;
  /** Flush the report on SIGINT/SIGTERM before the process ends. Default: `true`. */
  readonly flushOnSignals?: boolean;
  /** Told when a corrupt report is moved aside or a write fails. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
  /** The clock and timers. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/** A pool's usage reports: live snapshots, the file on disk and the day's budget seeded from it. */
export interface Reporting {
  /**
   * Today's report after each change (throttled), counting earlier runs of the
   * day as read from the file at start. The last snapshot before `close()` is exact.
   */
  readonly reports$: Observable<DailyReport>;
  /** Today's report now: the file as read at start plus this process's usage since. */
  snapshot(): DailyReport;
  /** This process's own usage since it attached (every day it ran through). */
  ownUsage(): UsageState;
  /** Writes what is not on disk yet. */
  flush(): Promise<void>;
  /** Stops listening, writes the final report and completes `reports$`. */
  close(): Promise<void>;
}

/**
 * Connects a pool to its daily report files:
 * 1. reads today's report (the day in the pool's time zone) and seeds the
 *    pool's budgets with what earlier runs spent today, so a restarted job
 *    cannot overspend the day's quota (a report of another day does not seed);
 * 2. folds `pool.usage$` into the day's report with the pure reducer;
 * 3. writes `<dir>/<service>_<YYYY-MM-DD>.json` atomically, debounced, and on
 *    `close()`, `flush()` and SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * const reporting = await attachReports(pool, { dir: 'reports/api_usage' });
 * reporting.reports$.subscribe((report) => console.log(report.totals.totalCalls));
 * // … run requests through schedule(pool, …) …
 * await reporting.close();
 * ```
 */
export async function attachReports(
  pool: KeyPool,
  options: ReportingOptions = {},
): Promise<Reporting> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const dir = options.dir ?? DEFAULT_REPORT_DIR;
  const config = { timeZone: pool.timeZone };
  const warn = options.onWarning === undefined ? {} : { onWarning: options.onWarning };
  const startedAt = scheduler.now();
  const today = dayKeyOf(startedAt, pool.timeZone);

  const { report: earlier } = await loadDayUsage({
    dir,
    service: pool.service,
    date: today,
    ...warn,
  });
  if (earlier !== undefined) await seedBudgets(pool, earlier, startedAt);

  const writer = new ReportWriter({
    dir,
    service: pool.service,
    timeZone: pool.timeZone,
    scheduler,
    ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    ...warn,
  });
  const own$ = new BehaviorSubject<UsageState>(emptyUsageState());
  const subscription = pool.usage$.subscribe((event) => {
    const next = reduceUsage(own$.value, event, config);
    own$.next(next);
    writer.update(next);
  });
  const stopSignals =
    options.flushOnSignals === false ? () => undefined : flushOnExitSignals(writer, warn);

  const snapshotOf = (own: UsageState): DailyReport => {
    const date = dayKeyOf(scheduler.now(), pool.timeZone);
    const mine =
      own.reports[reportId(pool.service, date)] ?? emptyReport(pool.service, date, pool.timeZone);
    return earlier !== undefined && earlier.date === date ? mergeReports(earlier, mine) : mine;
  };

  let closed = false;
  return {
    reports$: own$.pipe(
      skip(1),
      throttleTime(options.throttleMs ?? 1000, scheduler, { leading: true, trailing: true }),
      map(snapshotOf),
    ),
    snapshot: () => snapshotOf(own$.value),
    ownUsage: () => own$.value,
    flush: () => writer.flush(),
    close: async () => {
      if (closed) return;
      closed = true;
      subscription.unsubscribe();
      stopSignals();
      own$.complete();
      await writer.close();
    },
  };
}

/** Adds what a day's report says each quota group spent to the pool's budgets. */
async function seedBudgets(pool: KeyPool, report: DailyReport, now: number): Promise<void> {
  for (const [group, models] of Object.entries(report.quota)) {
    for (const [model, usage] of Object.entries(models)) {
      await pool.store.seedDay(
        { group, model },
        { requests: usage.requests, tokens: usage.inputTokens },
        now,
      );
    }
  }
}
