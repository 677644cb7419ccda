import type { Readable } from 'node:stream';

/** What a command talks to: its streams, environment and arguments (injectable for tests). */
export interface CliContext {
  /** Writes one line to standard output. */
  readonly out: (line: string) => void;
  /** Writes one line to standard error. */
  readonly err: (line: string) => void;
  /** The stream progress is drawn on (standard error). */
  readonly errStream: NodeJS.WriteStream;
  /** Standard input (read for the input `-`). */
  readonly stdin: Readable;
  /** The environment. */
  readonly env: NodeJS.ProcessEnv;
  /** The arguments after the program name, to print the command that resumes a run. */
  readonly args: readonly string[];
}

/** The context of the real process. */
export function processContext(args: readonly string[]): CliContext {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    errStream: process.stderr,
    stdin: process.stdin,
    env: process.env,
    args,
  };
}
