import { Command, CommanderError } from 'commander';
import { keysCommandDefinition } from './commands/keys.js';
import { mockCommandDefinition } from './commands/mock.js';
import { reportCommandDefinition } from './commands/report.js';
import { runCommandDefinition } from './commands/run.js';
import type { CliContext } from './context.js';
import { isUsageError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { packageVersion } from './version.js';

const EXAMPLES = `
Examples:
  $ keyrelay run prompts.jsonl --out results.jsonl --rpm 15 --tpm 1000000 --rpd 1500
  $ keyrelay run prompts.jsonl --dry-run --rpm 15 --rpd 1500
  $ keyrelay report --days 7
  $ keyrelay keys --rpd 1500
  $ keyrelay mock --rpm 60 --window 1s

Run "keyrelay <command> --help" for a command's flags and examples.`;

/** Builds the `keyrelay` program; `setExitCode` receives each command's exit code. */
export function buildProgram(ctx: CliContext, setExitCode: (code: number) => void): Command {
  const program = new Command('keyrelay')
    .description(
      'Spend a pool of Gemini API keys as one: bulk JSONL jobs, usage reports, a local Gemini server.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => ctx.out(text.replace(/\n$/, '')),
      writeErr: (text) => ctx.err(text.replace(/\n$/, '')),
    })
    .exitOverride()
    .addHelpText('after', EXAMPLES);
  for (const command of [
    runCommandDefinition(ctx, setExitCode),
    reportCommandDefinition(ctx, setExitCode),
    keysCommandDefinition(ctx, setExitCode),
    mockCommandDefinition(ctx, setExitCode),
  ]) {
    program.addCommand(
      command
        .exitOverride()
        .showHelpAfterError('(run with --help for usage)')
        .configureOutput({
          writeOut: (text) => ctx.out(text.replace(/\n$/, '')),
          writeErr: (text) => ctx.err(text.replace(/\n$/, '')),
        }),
    );
  }
  return program;
}

/**
 * Runs the `keyrelay` command with `args` (the arguments after the program
 * name) and returns its exit code: usage errors (bad flags, missing input,
 * no keys) print one message and give 2.
 */
export async function runCli(args: readonly string[], ctx: CliContext): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram(ctx, (code) => {
    exitCode = code;
  });
  if (args.length === 0) {
    program.outputHelp();
    return ExitCode.usage;
  }
  try {
    await program.parseAsync([...args], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return ExitCode.ok;
      }
      return ExitCode.usage;
    }
    if (isUsageError(error)) {
      ctx.err(`keyrelay: ${error.message}`);
      return ExitCode.usage;
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    ctx.err(`keyrelay: unexpected error: ${message}`);
    return ExitCode.someFailed;
  }
}
