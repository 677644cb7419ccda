import { readFileSync, renameSync } from 'node:fs';
import {
  type DailyReport,
  parseDailyReport,
  reportPath,
  type WarningHandler,
} from '../usage/index.js';

function codeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error
    ? String(error.code)
    : String(error);
}

/**
 * Reads `<dir>/<service>_<date>.json` synchronously, so that a constructor
 * (`new KeyManager()`, `new UsageTracker()`) can seed its budgets before it
 * returns. Behaves like `readReport` of `src/usage`: `undefined` when there is
 * no file; a file that is unreadable, not JSON, not a version 1 report or
 * another day's is moved aside to `<path>.corrupt-<time>` with a warning and
 * `undefined` is returned (counting starts from zero). Never throws for a bad file.
 */
export function readReportSync(
  dir: string,
  service: string,
  date: string,
  onWarning: WarningHandler,
  now: number,
): DailyReport | undefined {
  const path = reportPath(dir, service, date);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    return moveAside(path, `cannot read it: ${codeOf(error)}`, onWarning, now);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return moveAside(path, 'not valid JSON', onWarning, now);
  }
  const parsed = parseDailyReport(json);
  if (!parsed.ok) return moveAside(path, parsed.reason, onWarning, now);
  if (parsed.report.service !== service || parsed.report.date !== date) {
    return moveAside(
      path,
      `it is the report of ${parsed.report.service} on ${parsed.report.date}, not of ${service} on ${date}`,
      onWarning,
      now,
    );
  }
  return parsed.report;
}

function moveAside(
  path: string,
  reason: string,
  onWarning: WarningHandler,
  now: number,
): undefined {
  const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    onWarning(
      `keyrelay: the usage report ${path} is unreadable (${reason}) and could not be moved aside ` +
        `(${codeOf(error)}); counting starts from zero.`,
    );
    return undefined;
  }
  onWarning(
    `keyrelay: the usage report ${path} is unreadable (${reason}); it was moved to ${aside} ` +
      'and counting starts from zero.',
  );
  return undefined;
}
