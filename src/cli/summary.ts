import type { Limits } from '../budget/index.js';
import { formatCount, formatDuration, formatRate, table } from './format.js';
import type { KeyStats } from './key-stats.js';
import { planJob } from './plan.js';
import type { RunCounters } from './run-counters.js';

/** What the final summary reports. */
export interface SummaryInput {
  readonly counters: RunCounters;
  readonly keys: KeyStats;
  readonly elapsedMs: number;
  readonly limits: Limits;
  /** Quota groups among the keys. */
  readonly groups: number;
  /** The results file. */
  readonly out: string;
  /** The state of each key is described at this moment. Default: `Date.now()`. */
  readonly now?: number;
}

/**
 * The final summary of `keyrelay run`: succeeded, failed by kind, per-key
 * calls and tokens, wall time, and the effective rate against the ceiling
 * the budgets allow.
 */
export function summaryLines(input: SummaryInput): string[] {
  const { counters, keys, elapsedMs } = input;
  const lines: string[] = [];
  const failedKinds = [...input.counters.failed.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${formatCount(count)}`);
  lines.push(
    `Summary: ${formatCount(counters.succeeded)} succeeded, ${formatCount(counters.failedTotal)} failed${failedKinds.length > 0 ? ` (${failedKinds.join(', ')})` : ''}` +
      `, ${formatCount(counters.skipped)} already done` +
      (counters.duplicates > 0
        ? `, ${formatCount(counters.duplicates)} duplicate ids skipped`
        : '') +
      (counters.postponed > 0
        ? `, ${formatCount(counters.postponed)} postponed (daily quota)`
        : '') +
      ` in ${formatDuration(elapsedMs)}.`,
  );
  const rows: string[][] = [
    ['KEY', 'GROUP', 'CALLS', 'OK', '429s', 'INPUT TOKENS', 'OUTPUT TOKENS', 'STATE'],
  ];
  const now = input.now ?? Date.now();
  for (const key of keys.all) {
    rows.push([
      key.name,
      key.group,
      formatCount(key.calls),
      formatCount(key.successes),
      formatCount(key.rateLimited),
      formatCount(key.inputTokens),
      formatCount(key.outputTokens),
      keys.describe(key, now),
    ]);
  }
  lines.push('Per key:', ...table(rows));
  // Requests answered (invalid lines were never sent), against the ceiling.
  const answered = counters.written - (counters.failed.get('invalid_input') ?? 0);
  const rate = (answered / Math.max(1, elapsedMs)) * 60_000;
  const plan = planJob(
    Math.max(1, counters.submitted),
    Math.max(1, counters.estimatedTokens),
    input.groups,
    input.limits,
  );
  if (plan.ceilingPerMinute === undefined) {
    lines.push(
      `Rate: ${formatRate(rate)} requests (no per-minute limit given, so no ceiling to compare with).`,
    );
  } else {
    const share = plan.ceilingPerMinute > 0 ? Math.round((rate / plan.ceilingPerMinute) * 100) : 0;
    const burst =
      share > 100
        ? ' (above 100% in a short run: each window lets its full budget go at once at the start)'
        : '';
    lines.push(
      `Rate: ${formatRate(rate)} requests, ${share}% of the ${formatRate(plan.ceilingPerMinute)} ceiling of ${plan.groups} quota group${plan.groups === 1 ? '' : 's'}${burst}.`,
    );
  }
  lines.push(`Results: ${input.out} (${formatCount(counters.written)} lines written by this run).`);
  return lines;
}
