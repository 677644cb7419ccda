import type { UsageCounters } from './counters.js';
import { emptyCounters } from './counters.js';

/** The version of the {@link DailyReport} format this library writes and reads. */
export const REPORT_VERSION = 1;

/**
 * The display state of a key, from the last `cooled`, `parked`, `disabled` or
 * `resumed` event of the day. Not a counter.
 */
export interface KeyState {
  /** `active` after `resumed`; otherwise the event's type. */
  readonly state: 'active' | 'cooled' | 'parked' | 'disabled';
  /** ISO time of the event that set this state (the later one wins when merging). */
  readonly since: string;
  /** For `cooled` and `parked`: ISO time until which the key's quota group waits. */
  readonly until?: string;
  /** For `disabled`: why (secret-free). */
  readonly reason?: string;
}

/** One key's line in a {@link DailyReport}: its counters, group and display state. */
export interface KeyUsage extends UsageCounters {
  /** The key's quota group (from its latest event). */
  readonly group: string;
  /** The key's display state, when a `cooled`/`parked`/`disabled`/`resumed` event was seen. */
  readonly state?: KeyState;
}

/** What one quota group spent on one model in a day. */
export interface QuotaUsage {
  /** Attempts sent (every `dispatched` event): what a restarted process seeds its daily budget with. */
  readonly requests: number;
  /** Input tokens reserved at dispatch (the `estimatedTokens` of each `dispatched` event). */
  readonly inputTokens: number;
}

/**
 * A day's usage of one service: the JSON written to
 * `reports/api_usage/<service>_<YYYY-MM-DD>.json`.
 *
 * The format is stable and versioned (`version: 1`); a file with any other
 * version is treated as unreadable. Keys appear by name only, never by secret.
 *
 * ```jsonc
 * {
 *   "version": 1,
 *   "service": "gemini",
 *   "date": "2026-03-08",              // the calendar day in `timeZone`
 *   "timeZone": "America/Los_Angeles",
 *   "updatedAt": "2026-03-08T18:04:05.123Z", // time of the latest event counted
 *   "keys": {
 *     "GEMINI_API_KEY_1": {
 *       "group": "project-a",
 *       "totalCalls": 12,                // attempts sent (retries count again)
 *       "successes": 10,
 *       "failures": { "transient": 1 },  // requests that finally failed, by kind
 *       "rateLimited": 1,                // HTTP 429 answers
 *       "inputTokens": 5400,             // reported by the server on success
 *       "outputTokens": 2100,
 *       "cost": 7500,                    // total tokens, or the cost recorded by hand
 *       "firstUsedAt": "2026-03-08T08:00:01.000Z",
 *       "lastUsedAt": "2026-03-08T18:04:05.123Z",
 *       "state": { "state": "cooled", "since": "…", "until": "…" } // optional
 *     }
 *   },
 *   "quota": { "project-a": { "gemini-2.0-flash": { "requests": 12, "inputTokens": 5600 } } },
 *   "totals": { "totalCalls": 12, "successes": 10, "failures": { "transient": 1 }, … }
 * }
 * ```
 *
 * How each usage event counts (on the day of its `at` in the time zone):
 * - `dispatched`: key `totalCalls` +1; `quota[group][model].requests` +1 and
 *   `.inputTokens` + `estimatedTokens`.
 * - `succeeded`: `successes` +1; `inputTokens`, `outputTokens` and `cost` add
 *   the event's figures (the scheduler sets `cost` to the total tokens).
 * - `failed`: only when `final`, `failures[kind]` +1 (and `cost` when a
 *   manual record gave one); attempts that will be retried count in
 *   `totalCalls` only.
 * - `rate_limited`: `rateLimited` +1.
 * - `cooled`, `parked`, `disabled`, `resumed`: set the key's `state`; no counter.
 * - `firstUsedAt`/`lastUsedAt` follow `dispatched`, `succeeded`, `failed`
 *   and `rate_limited` events; `totals` is the sum over keys.
 */
export interface DailyReport {
  /** The format version: always {@link REPORT_VERSION}. */
  readonly version: typeof REPORT_VERSION;
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The calendar day, `'YYYY-MM-DD'`, in `timeZone`. */
  readonly date: string;
  /** The IANA time zone whose calendar day `date` is. */
  readonly timeZone: string;
  /** ISO time of the latest event counted (not the wall clock at writing). */
  readonly updatedAt: string;
  /** Per key name. */
  readonly keys: Readonly<Record<string, KeyUsage>>;
  /** Per quota group, then per model. */
  readonly quota: Readonly<Record<string, Readonly<Record<string, QuotaUsage>>>>;
  /** The sum of every key's counters. */
  readonly totals: UsageCounters;
}

/** The id of a report in a {@link UsageState} and its file's base name: `<service>_<date>`. */
export function reportId(service: string, date: string): string {
  return `${service}_${date}`;
}

/**
 * A report with nothing counted yet.
 *
 * @param updatedAt - ISO time. Default: the start of the epoch.
 */
export function emptyReport(
  service: string,
  date: string,
  timeZone: string,
  updatedAt = new Date(0).toISOString(),
): DailyReport {
  return {
    version: REPORT_VERSION,
    service,
    date,
    timeZone,
    updatedAt,
    keys: {},
    quota: {},
    totals: emptyCounters(),
  };
}
