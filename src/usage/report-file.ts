import { readFile, rename } from 'node:fs/promises';
import { emitKeyrelayWarning as defaultWarningHandler, type WarningHandler } from '../warnings.js';
import type { DailyReport } from './report.js';
import { reportPath } from './report-path.js';
import { parseDailyReport } from './report-schema.js';

/** Options of {@link readReport}. */
export interface ReadReportOptions {
  /** Told when a corrupt file is moved aside. Default: {@link defaultWarningHandler}. */
  readonly onWarning?: WarningHandler;
  /** The clock for the `.corrupt-<time>` suffix, in ms since the epoch. Default: `Date.now`. */
  readonly now?: () => number;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** `2026-03-08T10:11:12.345Z` as `2026-03-08T10-11-12-345Z`, safe in file names. */
function fileTimestamp(at: number): string {
  return new Date(at).toISOString().replace(/[:.]/g, '-');
}

async function moveAside(
  path: string,
  reason: string,
  options: ReadReportOptions,
): Promise<undefined> {
  const onWarning = options.onWarning ?? defaultWarningHandler;
  const aside = `${path}.corrupt-${fileTimestamp((options.now ?? Date.now)())}`;
  try {
    await rename(path, aside);
  } catch (err) {
    // Another process moved it aside first: nothing left to do.
    if (errorCode(err) === 'ENOENT') return undefined;
    onWarning(
      `keyrelay: the usage report ${path} is unreadable (${reason}) and could not be moved aside ` +
        `(${errorCode(err) ?? String(err)}); counting starts from zero.`,
    );
    return undefined;
  }
  onWarning(
    `keyrelay: the usage report ${path} is unreadable (${reason}); it was moved to ${aside} ` +
      'and counting starts from zero.',
  );
  return undefined;
}

/**
 * Reads the report file at `path`, expecting the given service and day.
 * Returns `undefined` when there is no file. A file that cannot be read, is
 * not JSON, is not a version 1 report or is another day's is moved aside to
 * `<path>.corrupt-<time>` with a warning that says where, and `undefined` is
 * returned (counting starts from zero); it never throws for a bad file.
 */
export async function readReportFile(
  path: string,
  expected: { readonly service: string; readonly date: string },
  options: ReadReportOptions = {},
): Promise<DailyReport | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    return moveAside(path, `cannot read it: ${errorCode(err) ?? String(err)}`, options);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return moveAside(path, 'not valid JSON', options);
  }
  const parsed = parseDailyReport(json);
  if (!parsed.ok) return moveAside(path, parsed.reason, options);
  const { report } = parsed;
  if (report.service !== expected.service || report.date !== expected.date) {
    return moveAside(
      path,
      `it is the report of ${report.service} on ${report.date}, not of ${expected.service} on ${expected.date}`,
      options,
    );
  }
  return report;
}

/**
 * Reads `<dir>/<service>_<date>.json` (see {@link readReportFile}): the
 * report, or `undefined` when it is missing or was corrupt (moved aside).
 */
export function readReport(
  dir: string,
  service: string,
  date: string,
  options: ReadReportOptions = {},
): Promise<DailyReport | undefined> {
  return readReportFile(reportPath(dir, service, date), { service, date }, options);
}
