import type { WarningHandler } from '../warnings.js';
import type { DailyReport, QuotaUsage } from './report.js';
import { readReport } from './report-file.js';
import { DEFAULT_REPORT_DIR } from './report-path.js';

/** Options of {@link loadDayUsage}. */
export interface LoadDayUsageOptions {
  /** The directory of report files. Default: `'reports/api_usage'`. */
  readonly dir?: string;
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The day to load, `'YYYY-MM-DD'`: today's day key in the quota's time zone. */
  readonly date: string;
  /** Told when a corrupt file is moved aside. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
}

/** What {@link loadDayUsage} returns. */
export interface ReportDayUsage {
  /** The day's report, or `undefined` when there is none (or it was corrupt). */
  readonly report: DailyReport | undefined;
  /** Requests and input tokens spent per quota group and model (`{}` when none). */
  readonly quota: DailyReport['quota'];
}

/**
 * Reads a day's report to seed daily budgets at start: a restarted process
 * counts the requests already sent today. Pass today's date key only; a
 * report from another day must not seed today's budget.
 */
export async function loadDayUsage(options: LoadDayUsageOptions): Promise<ReportDayUsage> {
  const report = await readReport(
    options.dir ?? DEFAULT_REPORT_DIR,
    options.service,
    options.date,
    options.onWarning === undefined ? {} : { onWarning: options.onWarning },
  );
  return { report, quota: report?.quota ?? {} };
}

/** The requests already spent by a quota group on a model, from {@link ReportDayUsage.quota}. */
export function quotaUsageOf(
  quota: DailyReport['quota'],
  group: string,
  model: string,
): QuotaUsage {
  return quota[group]?.[model] ?? { requests: 0, inputTokens: 0 };
}
