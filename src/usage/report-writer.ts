import { mkdir } from 'node:fs/promises';
import type { SchedulerLike, Subscription } from 'rxjs';
import { asyncScheduler } from 'rxjs';
import { validateTimeZone } from '../budget/time-zone.js';
import { InvalidOptionError } from '../errors.js';
import { emitKeyrelayWarning as defaultWarningHandler, type WarningHandler } from '../warnings.js';
import { writeReportAtomic } from './atomic-write.js';
import { ReportWriterClosedError } from './errors.js';
import type { FileLockOptions } from './file-lock.js';
import { withFileLock } from './file-lock.js';
import { mergeReports, subtractReports } from './merge.js';
import type { UsageState } from './reducer.js';
import type { DailyReport } from './report.js';
import { emptyReport } from './report.js';
import { readReportFile } from './report-file.js';
import { DEFAULT_REPORT_DIR, reportPath } from './report-path.js';
import type { usageReports } from './usage-reports.js';

/** Options of {@link ReportWriter}. */
export interface ReportWriterOptions {
  /** The directory of report files (created if missing). Default: `'reports/api_usage'`. */
  readonly dir?: string;
  /** The service whose reports this writer writes (others in the state are ignored), e.g. `'gemini'`. */
  readonly service: string;
  /** The IANA time zone of report days, e.g. `'America/Los_Angeles'`. */
  readonly timeZone: string;
  /**
   * After an {@link ReportWriter.update}, write within this many ms; while
   * updates keep coming, write at most once per this many ms. Default: `2000`.
   */
  readonly debounceMs?: number;
  /** Told about corrupt files moved aside and failed background writes. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
  /** The timer of the debounce. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** The lock file's stale age, timeout and retry. Default: see {@link FileLockOptions}. */
  readonly lock?: FileLockOptions;
}

/**
 * Writes the reports of a {@link UsageState} to their daily files, safely
 * when several processes write the same day's file.
 *
 * The writer remembers, per report, the state it last wrote. On a flush it
 * takes what this process added since (a delta), and under a lock file
 * (`<file>.lock`) reads the file as it is now, adds the delta, writes the sum
 * atomically and releases the lock. So no process loses another's counts and
 * no reader ever sees a torn file. A corrupt file is moved aside with a
 * warning and the sum starts from zero.
 *
 * @example
 * ```ts
 * const writer = new ReportWriter({ service: 'gemini', timeZone: 'America/Los_Angeles' });
 * pool.usage$.pipe(usageReports({ timeZone })).subscribe({
 *   next: (state) => writer.update(state),
 *   complete: () => void writer.close(),
 * });
 * ```
 */
export class ReportWriter {
  readonly #dir: string;
  readonly #service: string;
  readonly #timeZone: string;
  readonly #debounceMs: number;
  readonly #onWarning: WarningHandler;
  readonly #scheduler: SchedulerLike;
  readonly #lock: FileLockOptions;
  /** Per report id: the report as this process last wrote it. */
  readonly #written = new Map<string, DailyReport>();
  #latest: UsageState = { reports: {} };
  #timer: Subscription | undefined;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  /** @throws {@link InvalidOptionError} for a bad option. */
  constructor(options: ReportWriterOptions) {
    const debounceMs = options.debounceMs ?? 2000;
    if (typeof debounceMs !== 'number' || !Number.isFinite(debounceMs) || debounceMs < 0) {
      throw new InvalidOptionError('debounceMs', 'a finite number of ms >= 0', debounceMs);
    }
    validateTimeZone(options.timeZone, 'timeZone');
    const dir = options.dir ?? DEFAULT_REPORT_DIR;
    if (typeof dir !== 'string' || dir === '') {
      throw new InvalidOptionError('dir', 'a directory path', dir);
    }
    reportPath(dir, options.service, '2000-01-01'); // validates the service name
    this.#dir = dir;
    this.#service = options.service;
    this.#timeZone = options.timeZone;
    this.#debounceMs = debounceMs;
    this.#onWarning = options.onWarning ?? defaultWarningHandler;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    this.#lock = options.lock ?? {};
  }

  /**
   * Takes the latest state; its changes are written within `debounceMs`.
   * The state must count only this process's events (e.g. from
   * {@link usageReports} starting empty): do not seed it with the file's
   * report, or those counts are written twice.
   * A failed background write is reported through `onWarning` and retried
   * at the next flush.
   *
   * @throws {@link ReportWriterClosedError} after {@link ReportWriter.close}.
   */
  update(state: UsageState): void {
    if (this.#closed) throw new ReportWriterClosedError('ReportWriter.update() after close().');
    this.#latest = state;
    if (this.#timer !== undefined) return;
    this.#timer = this.#scheduler.schedule(() => {
      this.#timer = undefined;
      this.flush().catch((err: unknown) => {
        this.#onWarning(`keyrelay: writing usage reports failed: ${String(err)}; will retry.`);
      });
    }, this.#debounceMs);
  }

  /**
   * Writes now what the latest state added since the last write (after any
   * write in progress). Resolves when it is on disk.
   *
   * @throws {@link ReportLockError} when another process holds a file's lock too long.
   */
  flush(): Promise<void> {
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    const run = this.#queue.then(() => this.#writeAll(this.#latest));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Flushes, then stops the timer; later updates throw. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  async #writeAll(state: UsageState): Promise<void> {
    let firstError: unknown;
    for (const [id, report] of Object.entries(state.reports)) {
      if (report.service !== this.#service) continue;
      const written = this.#written.get(id);
      if (written === report) continue;
      try {
        await this.#writeOne(report, written);
        this.#written.set(id, report);
      } catch (err) {
        firstError ??= err;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  async #writeOne(report: DailyReport, written: DailyReport | undefined): Promise<void> {
    const delta = written === undefined ? report : subtractReports(report, written);
    const path = reportPath(this.#dir, report.service, report.date);
    await mkdir(this.#dir, { recursive: true });
    await withFileLock(
      `${path}.lock`,
      async () => {
        const current = await readReportFile(
          path,
          { service: report.service, date: report.date },
          { onWarning: this.#onWarning },
        );
        const base = current ?? emptyReport(report.service, report.date, this.#timeZone);
        await writeReportAtomic(path, mergeReports(base, delta));
      },
      this.#lock,
    );
  }
}
