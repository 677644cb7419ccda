import { existsSync } from 'node:fs';
import { estimateGeminiTokens } from '../providers/gemini/estimate-tokens.js';
import type { CliContext } from './context.js';
import { isUsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { formatCount, formatDuration, formatRate } from './format.js';
import { readInputLines } from './input.js';
import { JobSource } from './job-source.js';
import { loadKeys } from './load-keys.js';
import { isUnlimited } from './parse-flags.js';
import { type Plan, planJob } from './plan.js';
import { prepareOutput } from './resume.js';
import type { RunConfig } from './run-config.js';
import { RunCounters } from './run-counters.js';

/**
 * `keyrelay run --dry-run`: reads the whole input (streamed), counts the
 * requests still to do (ids already in `--out` are left out) and their
 * estimated input tokens (characters / 4), and prints how long the job needs
 * at the configured budgets and how many days of quota it spans. Sends
 * nothing, writes nothing.
 */
export async function dryRun(config: RunConfig, ctx: CliContext): Promise<number> {
  const state =
    config.out !== undefined && existsSync(config.out)
      ? await prepareOutput(config.out, { retryFailed: config.retryFailed, readOnly: true })
      : undefined;
  let groups = 1;
  let keyNote = 'no keys found: assuming one quota group';
  try {
    const { keys } = loadKeys(config.service, config.envFile, { ...ctx, err: () => undefined });
    groups = new Set(keys.map((key) => key.group)).size;
    keyNote = `${keys.length} key${keys.length === 1 ? '' : 's'} in ${groups} quota group${groups === 1 ? '' : 's'}`;
  } catch (error) {
    if (!isUsageError(error)) throw error;
  }
  const counters = new RunCounters();
  const source = new JobSource({
    lines: readInputLines(config.input, ctx.stdin),
    done: state?.done ?? new Set(),
    counters,
    onInvalid: () => counters.fail('invalid_input'),
    onDuplicate: () => undefined,
    estimateTokens: (job) => estimateGeminiTokens(job.request),
  });
  for await (const _job of source) {
    // counted by the source
  }
  const plan = planJob(counters.submitted, counters.estimatedTokens, groups, config.limits);
  for (const line of dryRunLines(plan, counters, keyNote, config)) ctx.out(line);
  return ExitCode.ok;
}

/** The text of a dry run's report. */
export function dryRunLines(
  plan: Plan,
  counters: RunCounters,
  keyNote: string,
  config: RunConfig,
): string[] {
  const lines = ['Dry run: nothing was sent.'];
  const perRequest = plan.requests > 0 ? Math.round(plan.tokens / plan.requests) : 0;
  lines.push(
    `Requests: ${formatCount(plan.requests)} to send (${formatCount(counters.failedTotal)} invalid lines, ${formatCount(counters.skipped)} already done, ${formatCount(counters.duplicates)} duplicate ids).`,
    `Estimated input tokens: ${formatCount(plan.tokens)} (about ${formatCount(perRequest)} per request).`,
    `Keys: ${keyNote}; model ${config.model}.`,
  );
  if (isUnlimited(config.limits)) {
    lines.push(
      'Budgets: none given, so no limit binds: the job is bound only by --concurrency and the server.',
      "Pass your tier's limits, e.g. --rpm 15 --tpm 1000000 --rpd 1500 (free tier of gemini-2.0-flash).",
    );
  }
  if (plan.timeMs === undefined) {
    lines.push('Time needed: unknown without a per-minute limit (--rpm, --tpm or --limit).');
  } else {
    const bound = plan.constraints[0];
    lines.push(
      `Ceiling: ${plan.ceilingPerMinute === undefined ? 'none' : formatRate(plan.ceilingPerMinute)} requests over ${plan.groups} quota group${plan.groups === 1 ? '' : 's'}.`,
      `Time needed: ${formatDuration(plan.timeMs)} (${Math.round(plan.timeMs / 1000)} s) at the ceiling, bound by ${bound?.label ?? 'the budget'}.`,
    );
  }
  if (plan.perDay === undefined) {
    lines.push(`Days of quota: ${plan.days} (no --rpd given, so no daily limit binds).`);
  } else {
    lines.push(
      `Days of quota: ${plan.days} (${formatCount(plan.perDay)} requests per day over ${plan.groups} quota group${plan.groups === 1 ? '' : 's'}; the day resets at midnight ${config.timeZone}).`,
    );
    if (plan.days > 1) {
      lines.push(
        `The job needs ${plan.days} days of quota: with --on-daily-exhaustion stop (default) re-run the same command after each reset; with wait it waits.`,
      );
    }
  }
  return lines;
}
