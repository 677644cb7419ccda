/** Quotes one argument for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command that resumes a run: `keyrelay` followed by the same arguments.
 *
 * @param args - the arguments after the program, e.g. `['run', 'in.jsonl', '--out', 'out.jsonl']`.
 */
export function resumeCommand(args: readonly string[]): string {
  return ['keyrelay', ...args].map(shellQuote).join(' ');
}
