export type { WarningHandler } from '../warnings.js';
export { writeFileAtomic, writeReportAtomic } from './atomic-write.js';
export type { UsageCounters } from './counters.js';
export { addCounters, emptyCounters } from './counters.js';
export { isDayKey, shiftDayKey } from './day-key.js';
export type { LoadDayUsageOptions, ReportDayUsage } from './day-usage.js';
export { loadDayUsage, quotaUsageOf } from './day-usage.js';
export { ReportLockError, ReportMismatchError, ReportWriterClosedError } from './errors.js';
export type {
  CooledEvent,
  DisabledEvent,
  DispatchedEvent,
  FailedEvent,
  ParkedEvent,
  RateLimitedEvent,
  ResumedEvent,
  StoreErrorEvent,
  SucceededEvent,
  UsageEvent,
  UsageEventBase,
  UsageEventType,
} from './events.js';
export type { Flushable, FlushOnExitSignalsOptions } from './exit-signals.js';
export { flushOnExitSignals } from './exit-signals.js';
export type { FileLockOptions } from './file-lock.js';
export { withFileLock } from './file-lock.js';
export type { HistoricalDay, HistoricalReport, HistoricalReportOptions } from './history.js';
export { getHistoricalReport } from './history.js';
export { mergeReports, subtractReports, totalsOf } from './merge.js';
export type { UsageRecord } from './record.js';
export { usageEventFromRecord } from './record.js';
export type { UsageConfig, UsageState } from './reducer.js';
export { emptyUsageState, reduceUsage } from './reducer.js';
export type { DailyReport, KeyState, KeyUsage, QuotaUsage } from './report.js';
export { emptyReport, REPORT_VERSION, reportId } from './report.js';
export type { ReadReportOptions } from './report-file.js';
export { readReport, readReportFile } from './report-file.js';
export { DEFAULT_REPORT_DIR, reportPath } from './report-path.js';
export { parseDailyReport } from './report-schema.js';
export type { ReportWriterOptions } from './report-writer.js';
export { ReportWriter } from './report-writer.js';
export type { UsageReportsOptions } from './usage-reports.js';
export { usageReports } from './usage-reports.js';
