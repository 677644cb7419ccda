import type { SchedulerLike } from 'rxjs';
import { dayKeyOf } from '../budget/index.js';
import {
  type DailyReport,
  emptyReport,
  emptyUsageState,
  flushOnExitSignals,
  mergeReports,
  ReportWriter,
  reduceUsage,
  reportId,
  reportPath,
  type UsageEvent,
  type UsageState,
  type WarningHandler,
} from '../usage/index.js';
import { readReportSync } from './read-report-sync.js';

/** Options of {@link DayLedger} (all resolved by the shell that owns it). */
export interface DayLedgerOptions {
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The IANA time zone whose calendar day names the report. */
  readonly timeZone: string;
  /** The directory of report files. */
  readonly dir: string;
  /** The clock (and the timer of the debounced writes). */
  readonly scheduler: SchedulerLike;
  /** Most one report write per this many ms while usage comes in. `undefined`: the writer's 2000. */
  readonly debounceMs: number | undefined;
  /** Flush on SIGINT/SIGTERM. */
  readonly flushOnSignals: boolean;
  /** Told when a corrupt report is moved aside or a background write fails. */
  readonly onWarning: WarningHandler;
}

/**
 * The report side of the seed's shells: today's report file read
 * synchronously at construction (so a constructor can seed budgets before it
 * returns), this process's usage events folded with the library's pure
 * reducer, and the library's {@link ReportWriter} (debounced, locked, atomic;
 * it adds this process's delta to whatever the file holds, so several
 * processes never lose each other's counts).
 */
export class DayLedger {
  /** Today's report as the file held it at construction (`undefined`: none). */
  readonly earlier: DailyReport | undefined;
  readonly #options: DayLedgerOptions;
  readonly #writer: ReportWriter;
  readonly #stopSignals: () => void;
  #own: UsageState = emptyUsageState();

  constructor(options: DayLedgerOptions) {
    this.#options = options;
    const now = options.scheduler.now();
    this.earlier = readReportSync(
      options.dir,
      options.service,
      dayKeyOf(now, options.timeZone),
      options.onWarning,
      now,
    );
    this.#writer = new ReportWriter({
      dir: options.dir,
      service: options.service,
      timeZone: options.timeZone,
      scheduler: options.scheduler,
      onWarning: options.onWarning,
      ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
    });
    this.#stopSignals = options.flushOnSignals
      ? flushOnExitSignals(this.#writer, { onWarning: options.onWarning })
      : () => undefined;
  }

  /** This process's usage so far (every day it ran through), without earlier runs. */
  get own(): UsageState {
    return this.#own;
  }

  /** Folds one event into this process's usage and schedules a (debounced) write. */
  record(event: UsageEvent): void {
    this.#own = reduceUsage(this.#own, event, { timeZone: this.#options.timeZone });
    this.#writer.update(this.#own);
  }

  /** Today's report now: the file as read at construction plus this process's usage since. */
  snapshot(): DailyReport {
    const { service, timeZone, scheduler } = this.#options;
    const date = dayKeyOf(scheduler.now(), timeZone);
    const mine = this.#own.reports[reportId(service, date)] ?? emptyReport(service, date, timeZone);
    return this.earlier !== undefined && this.earlier.date === date
      ? mergeReports(this.earlier, mine)
      : mine;
  }

  /**
   * Writes what is not on disk yet, and today's file even when nothing was
   * used today (as the seed's `save_daily_report()` does). Resolves with the
   * path of today's file.
   */
  async save(): Promise<string> {
    const { service, timeZone, scheduler, dir } = this.#options;
    const date = dayKeyOf(scheduler.now(), timeZone);
    const id = reportId(service, date);
    if (this.#own.reports[id] === undefined) {
      this.#own = { reports: { ...this.#own.reports, [id]: emptyReport(service, date, timeZone) } };
      this.#writer.update(this.#own);
    }
    await this.#writer.flush();
    return reportPath(dir, service, date);
  }

  /** Writes the final report and removes the signal handlers. Safe to call twice. */
  async close(): Promise<void> {
    this.#stopSignals();
    await this.#writer.close();
  }
}
