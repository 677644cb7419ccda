import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { parseCount, parseDuration } from '../parse-flags.js';

/** `keyrelay mock`'s flags. */
export interface MockFlags {
  readonly port?: string;
  readonly host?: string;
  readonly keys?: string;
  readonly projects?: string;
  readonly rpm?: string;
  readonly tpm?: string;
  readonly rpd?: string;
  readonly window?: string;
}

const EXAMPLES = `
A local stand-in for the Gemini API that enforces quotas like the real one
(per project and model: requests and input tokens per window, requests per
day in America/Los_Angeles) and answers with the real shapes, so that keyrelay
and both Gemini SDKs can be tried offline. It prints its address, its fake
keys and the environment to point keyrelay at it. Stop it with Ctrl-C.

Examples:
  $ keyrelay mock
  $ keyrelay mock --port 8080 --keys 4 --projects 2 --rpm 15 --rpd 1500
  $ keyrelay mock --rpm 10 --window 2s      a "minute" of 2 seconds, for demos
`;

/** The `keyrelay mock` command. */
export function mockCommandDefinition(
  ctx: CliContext,
  setExitCode: (code: number) => void,
): Command {
  return new Command('mock')
    .summary('start a local Gemini-compatible server with quotas (for offline tries)')
    .description(
      'Starts a local Gemini-compatible server that enforces quotas like the real service, and runs until Ctrl-C.',
    )
    .option('--port <n>', 'the port (0: a free one)', '0')
    .option('--host <host>', 'the interface to listen on', '127.0.0.1')
    .option('--keys <n>', 'how many fake keys', '4')
    .option('--projects <n>', 'how many projects the keys are spread over', '2')
    .option('--rpm <n>', 'requests per window per project and model', '15')
    .option('--tpm <n>', 'input tokens per window per project and model', '1000000')
    .option('--rpd <n>', 'requests per day per project and model', '1500')
    .option(
      '--window <duration>',
      'the length of the quota "minute" (e.g. 1s to compress time)',
      '60s',
    )
    .addHelpText('after', EXAMPLES)
    .action(async (flags: MockFlags) => {
      setExitCode(await mockCommand(flags, ctx));
    });
}

/**
 * `keyrelay mock`: starts the local Gemini server and resolves (with exit
 * code 0) when SIGINT or SIGTERM stops it.
 *
 * @throws {@link UsageError} for a bad flag.
 */
export async function mockCommand(flags: MockFlags, ctx: CliContext): Promise<number> {
  const options = {
    port: parseCount('--port', flags.port ?? '0', '8080', 0),
    host: flags.host ?? '127.0.0.1',
    keys: parseCount('--keys', flags.keys ?? '4', '4'),
    projects: parseCount('--projects', flags.projects ?? '2', '2'),
    rpm: parseCount('--rpm', flags.rpm ?? '15', '15'),
    tpm: parseCount('--tpm', flags.tpm ?? '1000000', '1000000'),
    rpd: parseCount('--rpd', flags.rpd ?? '1500', '1500'),
    windowMs: parseDuration('--window', flags.window ?? '60s'),
    print: ctx.out,
  };
  const { runMockCommand } = await import('../../mock/index.js');
  const server = await runMockCommand(options);
  ctx.err('Press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  ctx.err('Local Gemini server stopped.');
  return ExitCode.ok;
}
