import { join } from 'node:path';
import { InvalidOptionError } from '../errors.js';
import { isDayKey } from './day-key.js';
import { reportId } from './report.js';

/** Where report files go unless told otherwise (relative to the working directory). */
export const DEFAULT_REPORT_DIR = 'reports/api_usage';

const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The path of a day's report file: `<dir>/<service>_<YYYY-MM-DD>.json`.
 *
 * @throws {@link InvalidOptionError} when `service` is not a plain name
 * (letters, digits, `.`, `_`, `-`) or `date` is not `YYYY-MM-DD`.
 */
export function reportPath(dir: string, service: string, date: string): string {
  if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
    throw new InvalidOptionError('service', 'a name of letters, digits, ".", "_" or "-"', service);
  }
  if (!isDayKey(date)) throw new InvalidOptionError('date', 'a date written YYYY-MM-DD', date);
  return join(dir, `${reportId(service, date)}.json`);
}
