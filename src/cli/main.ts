#!/usr/bin/env node
/**
 * The `keyrelay` executable: `keyrelay run | report | keys | mock`.
 *
 * @packageDocumentation
 */
import { processContext } from './context.js';
import { runCli } from './program.js';

const args = process.argv.slice(2);
const code = await runCli(args, processContext(args));
if (process.env.KEYRELAY_DEBUG_MAXRSS === '1') {
  // For the bounded-memory test: peak resident set size in kB.
  process.stderr.write(`keyrelay-debug maxRSS=${process.resourceUsage().maxRSS}\n`);
}
// Let stdout and stderr drain, then exit (SDK keep-alive sockets must not hold the process).
await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
process.exit(code);
