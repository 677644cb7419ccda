import { dayKeyOf } from '../budget/time-zone.js';
import type { UsageCounters } from './counters.js';
import { emptyCounters, maxIso, minIso } from './counters.js';
import type { UsageEvent } from './events.js';
import type { DailyReport, KeyState, KeyUsage } from './report.js';
import { emptyReport, reportId } from './report.js';

/**
 * Everything counted so far: one {@link DailyReport} per service and day,
 * keyed by {@link reportId} (`<service>_<YYYY-MM-DD>`). Immutable: the
 * reducer returns a new state and keeps every untouched report as it was
 * (same object), so `a.reports[id] === b.reports[id]` means "unchanged".
 */
export interface UsageState {
  readonly reports: Readonly<Record<string, DailyReport>>;
}

/** How {@link reduceUsage} files events. */
export interface UsageConfig {
  /** The IANA time zone whose calendar day an event belongs to (e.g. `'America/Los_Angeles'`). */
  readonly timeZone: string;
}

/** A state with no report. */
export function emptyUsageState(): UsageState {
  return { reports: {} };
}

/** Caps a free-text reason and hides anything shaped like a Google API key. */
function safeReason(reason: string): string {
  return reason.replace(/AIza[0-9A-Za-z_-]{20,}/g, '[redacted]').slice(0, 300);
}

/** The key's counters after one event (undefined when the event is no counter). */
function countEvent(before: UsageCounters, event: UsageEvent, iso: string): UsageCounters {
  const used = {
    ...before,
    firstUsedAt: minIso(before.firstUsedAt, iso),
    lastUsedAt: maxIso(before.lastUsedAt, iso),
  };
  switch (event.type) {
    case 'dispatched':
      return { ...used, totalCalls: before.totalCalls + 1 };
    case 'succeeded':
      return {
        ...used,
        successes: before.successes + 1,
        inputTokens: before.inputTokens + event.inputTokens,
        outputTokens: before.outputTokens + event.outputTokens,
        cost: before.cost + event.cost,
      };
    case 'failed':
      if (!event.final) return used;
      return {
        ...used,
        failures: { ...before.failures, [event.kind]: (before.failures[event.kind] ?? 0) + 1 },
        cost: before.cost + (event.cost ?? 0),
      };
    case 'rate_limited':
      return { ...used, rateLimited: before.rateLimited + 1 };
    default:
      return before;
  }
}

/** The key's display state after a state event (the later event wins). */
function stateAfter(
  before: KeyState | undefined,
  event: UsageEvent,
  iso: string,
): KeyState | undefined {
  if (before !== undefined && before.since > iso) return before;
  switch (event.type) {
    case 'cooled':
    case 'parked':
      return { state: event.type, since: iso, until: new Date(event.until).toISOString() };
    case 'disabled':
      return { state: 'disabled', since: iso, reason: safeReason(event.reason) };
    case 'resumed':
      return { state: 'active', since: iso };
    default:
      return before;
  }
}

function addToTotals(
  totals: UsageCounters,
  before: UsageCounters,
  after: UsageCounters,
): UsageCounters {
  if (before === after) return totals;
  const failures: Record<string, number> = { ...totals.failures };
  for (const [kind, n] of Object.entries(after.failures)) {
    const delta = n - (before.failures[kind] ?? 0);
    if (delta !== 0) failures[kind] = (failures[kind] ?? 0) + delta;
  }
  return {
    totalCalls: totals.totalCalls + after.totalCalls - before.totalCalls,
    successes: totals.successes + after.successes - before.successes,
    failures,
    rateLimited: totals.rateLimited + after.rateLimited - before.rateLimited,
    inputTokens: totals.inputTokens + after.inputTokens - before.inputTokens,
    outputTokens: totals.outputTokens + after.outputTokens - before.outputTokens,
    cost: totals.cost + after.cost - before.cost,
    firstUsedAt: minIso(totals.firstUsedAt, after.firstUsedAt),
    lastUsedAt: maxIso(totals.lastUsedAt, after.lastUsedAt),
  };
}

/**
 * Folds one usage event into the state: the event counts in the report of
 * its service and of the calendar day of its `at` in `config.timeZone`
 * (see {@link DailyReport} for what each event counts). Pure: the input is
 * not changed and no clock is read (`updatedAt` is the latest event's time).
 *
 * @example `events$.pipe(scan((s, e) => reduceUsage(s, e, { timeZone: 'UTC' }), emptyUsageState()))`
 */
export function reduceUsage(state: UsageState, event: UsageEvent, config: UsageConfig): UsageState {
  if (event.type === 'store_error') return state;
  const date = dayKeyOf(event.at, config.timeZone);
  const id = reportId(event.service, date);
  const iso = new Date(event.at).toISOString();
  const report = state.reports[id] ?? emptyReport(event.service, date, config.timeZone, iso);

  const beforeKey: KeyUsage = report.keys[event.key] ?? { ...emptyCounters(), group: event.group };
  const counters = countEvent(beforeKey, event, iso);
  const keyState = stateAfter(beforeKey.state, event, iso);
  const afterKey: KeyUsage =
    keyState === undefined
      ? { ...counters, group: event.group }
      : { ...counters, group: event.group, state: keyState };

  let quota = report.quota;
  if (event.type === 'dispatched') {
    const models = quota[event.group] ?? {};
    const before = models[event.model] ?? { requests: 0, inputTokens: 0 };
    quota = {
      ...quota,
      [event.group]: {
        ...models,
        [event.model]: {
          requests: before.requests + 1,
          inputTokens: before.inputTokens + event.estimatedTokens,
        },
      },
    };
  }

  const next: DailyReport = {
    ...report,
    updatedAt: maxIso(iso, report.updatedAt) ?? iso,
    keys: { ...report.keys, [event.key]: afterKey },
    quota,
    totals: addToTotals(report.totals, beforeKey, counters),
  };
  return { reports: { ...state.reports, [id]: next } };
}
