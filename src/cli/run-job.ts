import { startOfNextDay } from '../budget/index.js';
import { isKeyrelayError } from '../errors.js';
import type { KeyPool } from '../pool/index.js';
import { attachReports } from '../pool/index.js';
import type { GeminiRequest, GeminiResponse } from '../providers/gemini/index.js';
import { type CallSpec, type ScheduleResult, schedule } from '../schedule/index.js';
import type { CliContext } from './context.js';
import { ExitCode, exitCodeOfSignal } from './exit-codes.js';
import { formatCount, formatDateTime, formatDuration } from './format.js';
import { countInputLines, readInputLines } from './input.js';
import type { Job } from './job.js';
import { type InFlight, jobCallSpec } from './job-call.js';
import { JobSource } from './job-source.js';
import { KeyStats } from './key-stats.js';
import { failureLine, invalidLine, OutputWriter, successLine } from './output.js';
import type { OutputLock } from './output-lock.js';
import { Progress, type ProgressMode } from './progress.js';
import { clearDeadReportLocks } from './report-locks.js';
import { prepareOutput } from './resume.js';
import type { RunConfig } from './run-config.js';
import { RunCounters } from './run-counters.js';
import { resumeCommand } from './shell-quote.js';
import { ShutdownSignals } from './signals.js';
import { summaryLines } from './summary.js';
import { WriteAhead } from './write-ahead.js';

/** How the scheduling ended. */
type Ending =
  | { readonly kind: 'complete' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'error'; readonly error: unknown };

/** Debounce of report writes besides the write-ahead ones, in ms. */
const REPORT_DEBOUNCE_MS = 250;

/**
 * Runs a bulk job whose flags, input, output, keys and pool are checked:
 * resumes the output, streams the input through `schedule()`, appends each
 * result as it comes, shows progress, handles SIGINT/SIGTERM and daily
 * exhaustion, and prints the summary. Returns the exit code.
 */
export async function runJob(
  config: RunConfig,
  out: string,
  pool: KeyPool,
  provider: CallSpec<GeminiRequest, GeminiResponse>,
  lock: OutputLock,
  ctx: CliContext,
): Promise<number> {
  const startedAt = Date.now();
  const state = await prepareOutput(out, { retryFailed: config.retryFailed });
  const notices: string[] = [];
  if (state.repairedBytes > 0) {
    notices.push(
      `Repaired ${out}: cut a partial last line (${state.repairedBytes} bytes) left by an interrupted run; its request is done again.`,
    );
  }
  if (state.succeeded + state.keptFailed > 0 || state.retrying > 0) {
    notices.push(
      `Resuming: ${formatCount(state.succeeded)} ids already succeeded` +
        (state.keptFailed > 0
          ? `, ${formatCount(state.keptFailed)} failed ones kept (--no-retry-failed)`
          : '') +
        (state.retrying > 0 ? `, ${formatCount(state.retrying)} failed ones retried` : '') +
        '.',
    );
  }
  if (state.dropped > 0)
    notices.push(`Removed ${state.dropped} unreadable or duplicate lines from ${out}.`);

  clearDeadReportLocks(config.reportsDir, config.service);
  const reporting = await attachReports(pool, {
    dir: config.reportsDir,
    debounceMs: REPORT_DEBOUNCE_MS,
    flushOnSignals: false,
    onWarning: (message) => ctx.err(`warning: ${message}`),
  });
  const counters = new RunCounters();
  const stats = new KeyStats(pool.keys, pool.timeZone);
  const statsSubscription = pool.usage$.subscribe((event) => stats.add(event));
  const writer = OutputWriter.open(out);

  const mode: ProgressMode = config.quiet
    ? 'quiet'
    : ctx.errStream.isTTY === true
      ? 'tty'
      : 'plain';
  const total =
    config.input !== '-' && mode !== 'quiet' ? await countInputLines(config.input) : undefined;
  const progress = new Progress({ mode, stream: ctx.errStream, counters, keys: stats, total });
  const say = (message: string): void => {
    if (!config.quiet) progress.log(message);
  };
  if (!config.quiet) for (const notice of notices) ctx.err(notice);

  let duplicatesShown = 0;
  const source = new JobSource({
    lines: readInputLines(config.input, ctx.stdin),
    done: state.done,
    counters,
    onInvalid: (invalid) => {
      if (source.stopped) return;
      writer.write(invalidLine(invalid));
      counters.fail('invalid_input');
    },
    onDuplicate: (line, id) => {
      if (duplicatesShown++ < 5)
        say(
          `warning: line ${line} repeats the id ${JSON.stringify(id)} of an earlier line; skipped.`,
        );
    },
    estimateTokens: (job) => provider.estimateTokens?.(job.request) ?? 1,
  });

  // With a daily limit, the report file is what a re-run seeds its daily
  // budget from: count each request in it before sending (write-ahead).
  // Without one, nothing is seeded and the debounced writes suffice; the
  // write-ahead's few ms of delay would only add jitter to arrival times.
  const writeAhead =
    config.limits.requestsPerDay === undefined
      ? undefined
      : new WriteAhead(
          () => reporting.flush(),
          (error) =>
            ctx.err(
              `warning: could not write the usage report before sending (${String(error)}); a crash now could undercount today's usage.`,
            ),
        );
  const inFlight: InFlight = { count: 0 };
  const operator = schedule(pool, jobCallSpec(provider, writeAhead, inFlight), {
    concurrency: config.concurrency,
    maxAttempts: config.maxAttempts,
    onDailyExhaustion: config.onDailyExhaustion === 'stop' ? 'fail' : 'wait',
    // Pull one line at a time: on SIGINT or daily exhaustion nothing is left queued to dispatch.
    readAhead: 1,
  });

  let dailyStop = false;
  let shutdownTimer: NodeJS.Timeout | undefined;
  let endEarly: ((ending: Ending) => void) | undefined;
  let unsubscribe: () => void = () => undefined;
  const signals = new ShutdownSignals({
    onFirst: (signal) => {
      source.stop();
      // Printed even with --quiet: the numbers say what is being waited for.
      progress.log(
        `${signal}: stopping; ${counters.written} results written, ${inFlight.count} requests in flight. ` +
          `Waiting up to ${formatDuration(config.shutdownTimeoutMs)} for them (--shutdown-timeout); press Ctrl-C again to exit now.`,
      );
      shutdownTimer = setTimeout(() => {
        unsubscribe();
        endEarly?.({ kind: 'timeout' });
      }, config.shutdownTimeoutMs);
    },
    onSecond: (signal) => {
      // Every line written so far is whole (one write each): exiting now loses
      // only the requests in flight, which a re-run does again.
      progress.stop();
      writer.close();
      lock.release();
      ctx.err(`${signal} again: exiting now. To resume: ${resumeCommand(ctx.args)}`);
      process.exit(exitCodeOfSignal(signal));
    },
  }).install();

  progress.start();
  const onResult = (result: ScheduleResult<Job, GeminiResponse>): void => {
    const job = result.request;
    if (result.ok) {
      writer.write(successLine(job, result.value, result.key, result.attempts, result.model));
      counters.succeeded++;
      return;
    }
    if (result.error.kind === 'daily_quota_exhausted' && config.onDailyExhaustion === 'stop') {
      // Not failed: postponed. Nothing is written, so a re-run does it.
      counters.postponed++;
      if (!dailyStop) {
        dailyStop = true;
        source.stop();
      }
      return;
    }
    writer.write(
      failureLine(
        job,
        result.error.kind,
        result.error.message,
        result.attempts,
        result.model,
        result.error.status,
      ),
    );
    counters.fail(result.error.kind);
  };
  const ending = await new Promise<Ending>((resolve) => {
    endEarly = resolve;
    const subscription = operator(source).subscribe({
      next: onResult,
      error: (error: unknown) => resolve({ kind: 'error', error }),
      complete: () => resolve({ kind: 'complete' }),
    });
    unsubscribe = () => subscription.unsubscribe();
  });
  if (shutdownTimer !== undefined) clearTimeout(shutdownTimer);
  source.stop();
  progress.stop();
  statsSubscription.unsubscribe();
  writer.close();
  await reporting.close();
  signals.uninstall();

  if (ending.kind === 'error') {
    const message = isKeyrelayError(ending.error) ? ending.error.message : String(ending.error);
    ctx.err(`keyrelay: the job stopped: ${message}`);
    ctx.err(`Fix it, then resume with: ${resumeCommand(ctx.args)}`);
    return isKeyrelayError(ending.error) ? ExitCode.usage : ExitCode.someFailed;
  }
  for (const line of summaryLines({
    counters,
    keys: stats,
    elapsedMs: Date.now() - startedAt,
    limits: config.limits,
    groups: new Set(pool.keys.map((key) => key.group)).size,
    out,
  })) {
    ctx.out(line);
  }
  if (signals.received !== undefined) {
    if (ending.kind === 'timeout') {
      ctx.err(
        `Stopped after --shutdown-timeout ${formatDuration(config.shutdownTimeoutMs)}: the requests still in flight were cancelled and will be done again.`,
      );
    }
    ctx.err(`Stopped by ${signals.received}. To resume: ${resumeCommand(ctx.args)}`);
    return exitCodeOfSignal(signals.received);
  }
  if (dailyStop) {
    const now = Date.now();
    const reset = startOfNextDay(now, pool.timeZone);
    ctx.err(
      `The daily quota is spent: the rest of the input is postponed, not failed (${formatCount(counters.postponed)} requests were refused for today and nothing was written for them). ` +
        `It resets at ${formatDateTime(reset, pool.timeZone)} (${pool.timeZone}), in ${formatDuration(reset - now)}. ` +
        `Run the same command again after that to resume: ${resumeCommand(ctx.args)}`,
    );
    return ExitCode.dailyQuotaSpent;
  }
  return counters.failedTotal > 0 ? ExitCode.someFailed : ExitCode.ok;
}
