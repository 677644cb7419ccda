import type { UsageCounters } from './counters.js';
import { addCounters, emptyCounters, maxIso, subtractCounters } from './counters.js';
import { ReportMismatchError } from './errors.js';
import type { DailyReport, KeyState, KeyUsage, QuotaUsage } from './report.js';

type Quota = DailyReport['quota'];

/** The sum of the counters of every key. */
export function totalsOf(keys: Readonly<Record<string, KeyUsage>>): UsageCounters {
  let totals = emptyCounters();
  for (const usage of Object.values(keys)) totals = addCounters(totals, usage);
  return totals;
}

function laterState(a: KeyState | undefined, b: KeyState | undefined): KeyState | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a.since > b.since ? a : b;
}

function withState(counters: UsageCounters, group: string, state: KeyState | undefined): KeyUsage {
  return state === undefined ? { ...counters, group } : { ...counters, group, state };
}

function combineQuota(a: Quota, b: Quota, sign: 1 | -1): Quota {
  const out: Record<string, Record<string, QuotaUsage>> = {};
  for (const [group, models] of Object.entries(a)) out[group] = { ...models };
  for (const [group, models] of Object.entries(b)) {
    const target = out[group] ?? {};
    out[group] = target;
    for (const [model, usage] of Object.entries(models)) {
      const before = target[model] ?? { requests: 0, inputTokens: 0 };
      const requests = before.requests + sign * usage.requests;
      const inputTokens = before.inputTokens + sign * usage.inputTokens;
      if (requests === 0 && inputTokens === 0) delete target[model];
      else target[model] = { requests, inputTokens };
    }
    if (Object.keys(target).length === 0) delete out[group];
  }
  return out;
}

function assertSameDay(a: DailyReport, b: DailyReport): void {
  if (a.service !== b.service || a.date !== b.date) {
    throw new ReportMismatchError(
      `Cannot merge the report of ${a.service} on ${a.date} with that of ${b.service} on ${b.date}.`,
    );
  }
}

/**
 * `a + b` for two reports of the same service and day, e.g. the file on disk
 * and what this process added since its last write, or two processes' files.
 * Counters add; first use is the earlier, last use and `updatedAt` the later;
 * a key's `state` and `group` are the latest; `totals` is recomputed from the
 * keys. `a`'s `timeZone` is kept. Neither input is changed.
 *
 * @throws {@link ReportMismatchError} when the service or date differ.
 */
export function mergeReports(a: DailyReport, b: DailyReport): DailyReport {
  assertSameDay(a, b);
  const keys: Record<string, KeyUsage> = { ...a.keys };
  for (const [name, usage] of Object.entries(b.keys)) {
    const before = keys[name];
    if (before === undefined) {
      keys[name] = usage;
      continue;
    }
    const state = laterState(before.state, usage.state);
    keys[name] = withState(addCounters(before, usage), usage.group, state);
  }
  return {
    version: a.version,
    service: a.service,
    date: a.date,
    timeZone: a.timeZone,
    updatedAt: maxIso(a.updatedAt, b.updatedAt) ?? a.updatedAt,
    keys,
    quota: combineQuota(a.quota, b.quota, 1),
    totals: totalsOf(keys),
  };
}

/**
 * What `current` added since `base` (`current` having grown from `base` by
 * reducing more events): counters subtract; first/last use, `updatedAt`,
 * groups and states are `current`'s. `mergeReports(x, subtractReports(c, b))`
 * adds to `x` exactly the counts that `c` has and `b` had not.
 *
 * @throws {@link ReportMismatchError} when the service or date differ.
 */
export function subtractReports(current: DailyReport, base: DailyReport): DailyReport {
  assertSameDay(current, base);
  const keys: Record<string, KeyUsage> = {};
  for (const [name, usage] of Object.entries(current.keys)) {
    const before = base.keys[name];
    keys[name] =
      before === undefined
        ? usage
        : withState(subtractCounters(usage, before), usage.group, usage.state);
  }
  return {
    ...current,
    keys,
    quota: combineQuota(current.quota, base.quota, -1),
    totals: subtractCounters(current.totals, base.totals),
  };
}
