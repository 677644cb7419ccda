import { Command } from 'commander';
import { dayKeyOf, validateTimeZone } from '../../budget/index.js';
import type { DailyReport, HistoricalReport, UsageCounters } from '../../usage/index.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatCount, table } from '../format.js';
import { parseCount } from '../parse-flags.js';
import { RUN_DEFAULTS } from '../run-config.js';

/** `keyrelay report`'s flags. */
export interface ReportFlags {
  readonly days?: string;
  readonly service?: string;
  readonly json?: boolean;
  readonly reportsDir?: string;
  readonly timeZone?: string;
}

const EXAMPLES = `
Reads the daily report files (<reports-dir>/<service>_<YYYY-MM-DD>.json) that
"keyrelay run" and the library write; the day is the calendar day in the
quota's time zone (America/Los_Angeles by default: Gemini resets at midnight PT).

Examples:
  $ keyrelay report                 today's usage per key and quota group
  $ keyrelay report --days 7        the last 7 days, per day and per key
  $ keyrelay report --json          today's report as JSON
  $ keyrelay report --reports-dir reports/api_usage --service gemini
`;

/** The `keyrelay report` command. */
export function reportCommandDefinition(
  ctx: CliContext,
  setExitCode: (code: number) => void,
): Command {
  return new Command('report')
    .summary("show the day's (or last N days') usage from the report files")
    .description(
      "Shows the day's usage (or the last N days') from the daily report files, per key and in total.",
    )
    .option('--days <n>', 'how many days, today included', '1')
    .option('--service <name>', 'the service whose reports to read', RUN_DEFAULTS.service)
    .option('--json', 'print JSON instead of a table')
    .option('--reports-dir <dir>', 'where the daily reports are', RUN_DEFAULTS.reportsDir)
    .option(
      '--time-zone <zone>',
      'the time zone whose calendar day is "today"',
      RUN_DEFAULTS.timeZone,
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: ReportFlags) => {
      setExitCode(await reportCommand(flags, ctx));
    });
}

/**
 * `keyrelay report`: today's report as a table per key plus the quota spent
 * per group and model, or the last `--days` days per day and per key.
 *
 * @throws {@link UsageError} for a bad flag.
 */
export async function reportCommand(flags: ReportFlags, ctx: CliContext): Promise<number> {
  // Loaded here, not at start-up: the report modules (and zod) are only needed by this command.
  const { emptyReport, getHistoricalReport, readReport, reportPath } = await import(
    '../../usage/index.js'
  );
  const days = parseCount('--days', flags.days ?? '1', '7');
  const service = flags.service ?? RUN_DEFAULTS.service;
  const dir = flags.reportsDir ?? RUN_DEFAULTS.reportsDir;
  let timeZone: string;
  try {
    timeZone = validateTimeZone(flags.timeZone ?? RUN_DEFAULTS.timeZone, '--time-zone');
    reportPath(dir, service, '2000-01-01');
  } catch (error) {
    throw new UsageError(
      error instanceof Error
        ? error.message.replace('`timeZone`', '--time-zone').replace('`service`', '--service')
        : String(error),
    );
  }
  const today = dayKeyOf(Date.now(), timeZone);
  const onWarning = (message: string) => ctx.err(`warning: ${message}`);
  if (days === 1) {
    const report = await readReport(dir, service, today, { onWarning });
    if (flags.json === true) {
      ctx.out(JSON.stringify(report ?? emptyReport(service, today, timeZone), null, 2));
      return ExitCode.ok;
    }
    if (report === undefined) {
      ctx.out(
        `No usage recorded for ${service} on ${today} (${timeZone}): ${reportPath(dir, service, today)} does not exist.`,
      );
      return ExitCode.ok;
    }
    for (const line of dayReportLines(report)) ctx.out(line);
    return ExitCode.ok;
  }
  const history = await getHistoricalReport({ dir, service, days, today, timeZone, onWarning });
  if (flags.json === true) {
    ctx.out(JSON.stringify(history, null, 2));
    return ExitCode.ok;
  }
  for (const line of historyLines(service, history, timeZone)) ctx.out(line);
  return ExitCode.ok;
}

function failuresOf(counters: UsageCounters): number {
  return Object.values(counters.failures).reduce((sum, n) => sum + n, 0);
}

function counterCells(counters: UsageCounters): string[] {
  return [
    formatCount(counters.totalCalls),
    formatCount(counters.successes),
    formatCount(failuresOf(counters)),
    formatCount(counters.rateLimited),
    formatCount(counters.inputTokens),
    formatCount(counters.outputTokens),
  ];
}

const COUNTER_HEADERS = ['CALLS', 'OK', 'FAILED', '429s', 'INPUT TOKENS', 'OUTPUT TOKENS'];

/** A day's report as lines: per key, totals, and the quota spent per group and model. */
export function dayReportLines(report: DailyReport): string[] {
  const rows: string[][] = [['KEY', 'GROUP', ...COUNTER_HEADERS, 'STATE']];
  for (const [name, usage] of Object.entries(report.keys).sort(([a], [b]) => a.localeCompare(b))) {
    const state =
      usage.state === undefined
        ? ''
        : usage.state.until === undefined
          ? usage.state.state
          : `${usage.state.state} until ${usage.state.until}`;
    rows.push([name, usage.group, ...counterCells(usage), state]);
  }
  rows.push(['TOTAL', '', ...counterCells(report.totals), '']);
  const lines = [
    `Usage of ${report.service} on ${report.date} (${report.timeZone}), updated ${report.updatedAt}:`,
    ...table(rows),
  ];
  const failures = Object.entries(report.totals.failures);
  if (failures.length > 0)
    lines.push(
      `Failures by kind: ${failures.map(([kind, n]) => `${kind} ${formatCount(n)}`).join(', ')}`,
    );
  const quotaRows: string[][] = [['GROUP', 'MODEL', 'REQUESTS', 'INPUT TOKENS (RESERVED)']];
  for (const [group, models] of Object.entries(report.quota)) {
    for (const [model, usage] of Object.entries(models)) {
      quotaRows.push([group, model, formatCount(usage.requests), formatCount(usage.inputTokens)]);
    }
  }
  if (quotaRows.length > 1)
    lines.push(
      'Quota spent per group and model (what the daily budget counts):',
      ...table(quotaRows),
    );
  return lines;
}

/** Several days as lines: per day, per key over the period, and totals. */
export function historyLines(
  service: string,
  history: HistoricalReport,
  timeZone: string,
): string[] {
  const first = history.days[0]?.date ?? '';
  const last = history.days.at(-1)?.date ?? '';
  const dayRows: string[][] = [['DATE', ...COUNTER_HEADERS]];
  for (const day of history.days) dayRows.push([day.date, ...counterCells(day.totals)]);
  dayRows.push(['TOTAL', ...counterCells(history.totals)]);
  const keyRows: string[][] = [['KEY', ...COUNTER_HEADERS]];
  for (const [name, counters] of Object.entries(history.keys).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    keyRows.push([name, ...counterCells(counters)]);
  }
  return [
    `Usage of ${service} from ${first} to ${last} (${timeZone}), per day:`,
    ...table(dayRows),
    'Per key over the period:',
    ...(keyRows.length > 1 ? table(keyRows) : ['  (no usage recorded)']),
  ];
}
