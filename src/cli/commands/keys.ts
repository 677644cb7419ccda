import { Command } from 'commander';
import { dayKeyOf, validateTimeZone } from '../../budget/index.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { formatCount, table } from '../format.js';
import { loadKeys } from '../load-keys.js';
import { parseCount } from '../parse-flags.js';
import { RUN_DEFAULTS } from '../run-config.js';

/** `keyrelay keys`'s flags. */
export interface KeysFlags {
  readonly service?: string;
  readonly envFile?: string;
  readonly reportsDir?: string;
  readonly timeZone?: string;
  readonly rpd?: string;
  readonly json?: boolean;
}

const EXAMPLES = `
Keys are read from GEMINI_API_KEY and GEMINI_API_KEY_<n> in the environment
and the --env-file; GEMINI_API_KEY_<n>_PROJECT puts a key in a quota group
(keys of one Google Cloud project share one budget). Secrets are never shown:
each key appears by name with a short fingerprint (sha256 of the secret).

Examples:
  $ keyrelay keys
  $ keyrelay keys --rpd 1500           also the requests left today per group
  $ keyrelay keys --env-file config/keys.env --json
`;

/** The `keyrelay keys` command. */
export function keysCommandDefinition(
  ctx: CliContext,
  setExitCode: (code: number) => void,
): Command {
  return new Command('keys')
    .summary("list the keys found, their quota groups and today's usage")
    .description(
      "Lists the keys found (name, quota group, fingerprint; never the secret) and today's usage and budget left per quota group.",
    )
    .option('--service <name>', 'the service whose keys to list', RUN_DEFAULTS.service)
    .option('--env-file <path>', 'the .env file with the keys', RUN_DEFAULTS.envFile)
    .option(
      '--reports-dir <dir>',
      "where the daily reports are (for today's usage)",
      RUN_DEFAULTS.reportsDir,
    )
    .option('--time-zone <zone>', "the quota's time zone", RUN_DEFAULTS.timeZone)
    .option('--rpd <n>', 'requests per day per quota group, to show the budget left')
    .option('--json', 'print JSON')
    .addHelpText('after', EXAMPLES)
    .action(async (flags: KeysFlags) => {
      setExitCode(await keysCommand(flags, ctx));
    });
}

/**
 * `keyrelay keys`: the keys found and, per quota group and model, the
 * requests spent today (from today's report) and, with `--rpd`, the requests left.
 *
 * @throws {@link UsageError} for a bad flag or when no key is found.
 */
export async function keysCommand(flags: KeysFlags, ctx: CliContext): Promise<number> {
  const service = flags.service ?? RUN_DEFAULTS.service;
  const rpd = flags.rpd === undefined ? undefined : parseCount('--rpd', flags.rpd, '1500');
  let timeZone: string;
  try {
    timeZone = validateTimeZone(flags.timeZone ?? RUN_DEFAULTS.timeZone, '--time-zone');
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace('`timeZone`', '--time-zone') : String(error),
    );
  }
  const loaded = loadKeys(service, flags.envFile ?? RUN_DEFAULTS.envFile, ctx);
  const today = dayKeyOf(Date.now(), timeZone);
  // Loaded here, not at start-up: the report modules (and zod) are only needed now.
  const { readReport } = await import('../../usage/index.js');
  const report = await readReport(flags.reportsDir ?? RUN_DEFAULTS.reportsDir, service, today, {
    onWarning: (message) => ctx.err(`warning: ${message}`),
  });
  const groups = [...new Set(loaded.keys.map((key) => key.group))];
  const usage = groups.flatMap((group) => {
    const models = Object.entries(report?.quota[group] ?? {});
    const rows =
      models.length === 0 ? [[undefined, { requests: 0, inputTokens: 0 }] as const] : models;
    return rows.map(([model, spent]) => ({
      group,
      model: model ?? null,
      requests: spent.requests,
      inputTokens: spent.inputTokens,
      left: rpd === undefined ? null : Math.max(0, rpd - spent.requests),
    }));
  });
  if (flags.json === true) {
    ctx.out(
      JSON.stringify(
        { service, date: today, timeZone, keys: loaded.keys.map((key) => key.toJSON()), usage },
        null,
        2,
      ),
    );
    return ExitCode.ok;
  }
  const file = loaded.sources.envFile;
  ctx.out(
    `${loaded.keys.length} ${service} key${loaded.keys.length === 1 ? '' : 's'} in ${groups.length} quota group${groups.length === 1 ? '' : 's'}` +
      ` (from the environment${file?.found === true ? ` and ${file.path}` : ''}):`,
  );
  const keyRows = [['NAME', 'GROUP', 'FINGERPRINT']];
  for (const key of loaded.keys) keyRows.push([key.name, key.group, key.fingerprint]);
  for (const line of table(keyRows)) ctx.out(line);
  ctx.out(
    `Today (${today}, ${timeZone}) per quota group${report === undefined ? ' (no usage recorded yet)' : ''}:`,
  );
  const usageRows = [
    [
      'GROUP',
      'MODEL',
      'REQUESTS',
      'INPUT TOKENS',
      rpd === undefined ? 'LEFT TODAY (give --rpd)' : 'LEFT TODAY',
    ],
  ];
  for (const row of usage) {
    usageRows.push([
      row.group,
      row.model ?? '-',
      formatCount(row.requests),
      formatCount(row.inputTokens),
      row.left === null ? '-' : `${formatCount(row.left)} of ${formatCount(rpd ?? 0)}`,
    ]);
  }
  for (const line of table(usageRows)) ctx.out(line);
  return ExitCode.ok;
}
