import { Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { dryRun } from '../dry-run.js';
import { withEnvFileSettings } from '../env-file-settings.js';
import type { UsageError } from '../errors.js';
import { collect } from '../parse-flags.js';
import { checkInput, checkOutput, checkReportsDir } from '../paths.js';
import { RUN_DEFAULTS, type RunFlags, resolveRunConfig } from '../run-config.js';

const EXAMPLES = `
Input: one JSON object per line, {"id": "...", "prompt": "..."} or
{"id": "...", "request": <a generateContent request body>}; other fields are
passed through as "metadata"; a line without "id" gets its line number.
Output: one line per request, in completion order:
{"id", "ok": true, "text", "usage", "key", "attempts", "model", "metadata"} or
{"id", "ok": false, "error": {"kind", "message"}, "attempts", "metadata"}.

Limits apply to each quota group (keys of one Google Cloud project, set with
GEMINI_API_KEY_<n>_PROJECT). None is set by default: pass your tier's, e.g.
the free tier of gemini-2.0-flash: --rpm 15 --tpm 1000000 --rpd 1500.

Resume: run the same command again. Ids with "ok": true in --out are skipped,
failed ones are tried again (unless --no-retry-failed). After a crash, a cut
last line is repaired. Today's usage is read back from the report file, so a
re-run does not overspend the daily quota.

Exit codes: 0 all succeeded, 1 some failed, 2 usage error (nothing written),
75 stopped because the daily quota is spent (re-run after the reset),
130 stopped by SIGINT, 143 by SIGTERM (re-run to resume).

Environment (also read from --env-file; a flag or the environment wins):
GEMINI_API_KEY, GEMINI_API_KEY_<n>, GEMINI_API_KEY_<n>_PROJECT, GEMINI_BASE_URL
(for --base-url), KEYRELAY_REDIS_URL (for --redis). KEYRELAY_PROGRESS_INTERVAL_MS
(ms between plain progress lines, default 5000) is read from the environment only.

Examples:
  $ keyrelay run prompts.jsonl --out results.jsonl --rpm 15 --tpm 1000000 --rpd 1500
  $ keyrelay run prompts.jsonl --out results.jsonl --limit 10/2s --concurrency 8
  $ cat prompts.jsonl | keyrelay run - --out results.jsonl --quiet
  $ keyrelay run prompts.jsonl --dry-run --rpm 15 --rpd 1500
  $ keyrelay run prompts.jsonl --out results.jsonl --base-url http://127.0.0.1:8080
`;

/** The `keyrelay run` command. */
export function runCommandDefinition(
  ctx: CliContext,
  setExitCode: (code: number) => void,
): Command {
  return new Command('run')
    .summary('run a JSONL file of prompts through the key pool (resumable)')
    .description(
      'Sends every request of a JSONL file through the pool of keys, as fast as the budgets allow, appending results to --out.',
    )
    .argument('<input>', 'the JSONL input file, or - for standard input')
    .option('-o, --out <file>', 'the JSONL results file (appended to; re-running resumes)')
    .option('--model <name>', 'the Gemini model', RUN_DEFAULTS.model)
    .option('--rpm <n>', 'requests per minute per quota group (default: unlimited)')
    .option('--tpm <n>', 'input tokens per minute per quota group (default: unlimited)')
    .option('--rpd <n>', 'requests per day per quota group (default: unlimited)')
    .option(
      '--limit <count/duration>',
      'an extra window per quota group, repeatable: 10/2s (requests) or 50000tokens/1m',
      collect,
    )
    .option(
      '--safety-margin <duration>',
      'added to every window, because the server counts arrival times (default: 2% of the window, at most 1s)',
    )
    .option('--concurrency <n>', 'most requests in flight at once', RUN_DEFAULTS.concurrency)
    .option(
      '--max-attempts <n>',
      'most attempts of a request failing with 5xx/network errors',
      RUN_DEFAULTS.maxAttempts,
    )
    .addOption(
      new Option(
        '--base-url <url>',
        'the Gemini API base URL (e.g. the local server of `keyrelay mock`)',
      ).env('GEMINI_BASE_URL'),
    )
    .addOption(
      new Option(
        '--redis <url>',
        'share budgets, cooldowns and disabled keys with other workers through Redis',
      ).env('KEYRELAY_REDIS_URL'),
    )
    .option('--env-file <path>', 'the .env file with the keys', RUN_DEFAULTS.envFile)
    .option(
      '--service <name>',
      'the service: names the key variables and report files',
      RUN_DEFAULTS.service,
    )
    .addOption(
      new Option('--sdk <sdk>', 'the Gemini SDK')
        .choices(['generative-ai', 'genai'])
        .default(RUN_DEFAULTS.sdk),
    )
    .option('--reports-dir <dir>', 'where daily usage reports are written', RUN_DEFAULTS.reportsDir)
    .option(
      '--time-zone <zone>',
      "the quota's time zone (its midnight resets the daily quota)",
      RUN_DEFAULTS.timeZone,
    )
    .addOption(
      new Option(
        '--on-daily-exhaustion <mode>',
        'when the daily quota is spent: stop (save and exit; re-run resumes) or wait for the reset',
      )
        .choices(['stop', 'wait'])
        .default(RUN_DEFAULTS.onDailyExhaustion),
    )
    .option(
      '--dry-run',
      'count requests and estimated tokens, print the time and days of quota needed; send nothing',
    )
    .option('--no-retry-failed', 'on resume, keep failed results instead of trying them again')
    .option('-q, --quiet', 'print only the final summary')
    .option(
      '--shutdown-timeout <duration>',
      'on SIGINT/SIGTERM, how long to wait for requests in flight',
      RUN_DEFAULTS.shutdownTimeout,
    )
    .option(
      '--request-timeout <duration>',
      'time limit of one attempt (then retried as transient)',
      RUN_DEFAULTS.requestTimeout,
    )
    .addHelpText('after', EXAMPLES)
    .action(async (input: string, flags: RunFlags) => {
      setExitCode(await runCommand(input, flags, ctx));
    });
}

/**
 * `keyrelay run`: validates everything (nothing is written when a flag,
 * the input, the output directory or the keys are wrong), then runs the job.
 *
 * @returns the exit code.
 * @throws {@link UsageError} for a usage error (exit code 2).
 */
export async function runCommand(input: string, flags: RunFlags, ctx: CliContext): Promise<number> {
  const config = resolveRunConfig(input, withEnvFileSettings(flags));
  checkInput(config.input);
  if (config.dryRun) return dryRun(config, ctx);
  checkOutput(config.out!, config.input);
  checkReportsDir(config.reportsDir);
  // The real run's modules (the SDKs, reports, the scheduler) load only now:
  // a dry run, --help and the other commands start without them.
  const { startRun } = await import('../start-run.js');
  return startRun(config, ctx);
}
