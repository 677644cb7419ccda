import {
  GEMINI_QUOTA_TIME_ZONE as DEFAULT_TIME_ZONE,
  dayKeyOf,
  validateTimeZone,
} from '../budget/time-zone.js';
import { InvalidOptionError } from '../errors.js';
import type { WarningHandler } from '../warnings.js';
import type { UsageCounters } from './counters.js';
import { addCounters, countersOf, emptyCounters } from './counters.js';
import { isDayKey, shiftDayKey } from './day-key.js';
import type { KeyUsage } from './report.js';
import { readReport } from './report-file.js';
import { DEFAULT_REPORT_DIR } from './report-path.js';

/** Options of {@link getHistoricalReport}. */
export interface HistoricalReportOptions {
  /** The directory of report files. Default: `'reports/api_usage'`. */
  readonly dir?: string;
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** How many days, today included (a positive integer), e.g. `7`. */
  readonly days: number;
  /** The last day, `'YYYY-MM-DD'`. Default: today in `timeZone`. */
  readonly today?: string;
  /** The time zone of "today" when `today` is not given. Default: `'America/Los_Angeles'`. */
  readonly timeZone?: string;
  /** Told when a corrupt file is moved aside. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
}

/** One day of a {@link HistoricalReport}. */
export interface HistoricalDay {
  /** `'YYYY-MM-DD'`. */
  readonly date: string;
  /** The day's totals (zeros when there is no file). */
  readonly totals: UsageCounters;
  /** The day's keys (`{}` when there is no file). */
  readonly keys: Readonly<Record<string, KeyUsage>>;
}

/** Usage over several days: the seed's `get_historical_report(days)`. */
export interface HistoricalReport {
  /** One entry per day, oldest first; days without a file are zeros. */
  readonly days: readonly HistoricalDay[];
  /** Per key name, the sum over the period. */
  readonly keys: Readonly<Record<string, UsageCounters>>;
  /** The sum over the period. */
  readonly totals: UsageCounters;
}

/**
 * Reads the last `days` daily report files up to `today` and sums them per
 * day and per key. Missing days count as zero; corrupt files are moved aside
 * with a warning and count as zero.
 *
 * @example `await getHistoricalReport({ service: 'gemini', days: 7 })`
 * @throws {@link InvalidOptionError} for a bad `days`, `today` or `timeZone`.
 */
export async function getHistoricalReport(
  options: HistoricalReportOptions,
): Promise<HistoricalReport> {
  const { days, service } = options;
  if (!Number.isInteger(days) || days < 1) {
    throw new InvalidOptionError('days', 'a positive integer', days);
  }
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  validateTimeZone(timeZone, 'timeZone');
  const today = options.today ?? dayKeyOf(Date.now(), timeZone);
  if (!isDayKey(today)) throw new InvalidOptionError('today', 'a date written YYYY-MM-DD', today);
  const dir = options.dir ?? DEFAULT_REPORT_DIR;
  const readOptions = options.onWarning === undefined ? {} : { onWarning: options.onWarning };

  const dates = Array.from({ length: days }, (_, i) => shiftDayKey(today, i - days + 1));
  const reports = await Promise.all(
    dates.map((date) => readReport(dir, service, date, readOptions)),
  );

  const keys: Record<string, UsageCounters> = {};
  let totals = emptyCounters();
  const out: HistoricalDay[] = dates.map((date, i) => {
    const report = reports[i];
    if (report === undefined) return { date, totals: emptyCounters(), keys: {} };
    for (const [name, usage] of Object.entries(report.keys)) {
      keys[name] = addCounters(keys[name] ?? emptyCounters(), countersOf(usage));
    }
    totals = addCounters(totals, report.totals);
    return { date, totals: report.totals, keys: report.keys };
  });
  return { days: out, keys, totals };
}
