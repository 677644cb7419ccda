import { KeyrelayError } from '../errors.js';

/**
 * The command was used wrongly: a bad flag value, a missing input file, an
 * output directory that cannot be written, no keys. The message names the
 * problem and the fix; the command exits with code 2 and writes nothing.
 */
export class UsageError extends KeyrelayError {
  override name = 'UsageError';
  /** The flag or argument at fault, e.g. `'--rpm'` or `'<input>'`, when there is one. */
  readonly flag: string | undefined;

  constructor(message: string, options?: { flag?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.flag = options?.flag;
  }
}

/** True when `value` is a {@link UsageError}. */
export function isUsageError(value: unknown): value is UsageError {
  return value instanceof UsageError;
}

/**
 * Another `keyrelay run` (a live process) is writing the same output file.
 * Two writers would duplicate results, so the second one refuses to start.
 */
export class OutputLockedError extends UsageError {
  override name = 'OutputLockedError';
  /** The process id that holds the lock. */
  readonly pid: number;

  constructor(path: string, pid: number) {
    super(
      `Another keyrelay run (process ${pid}) is writing ${path}. Wait for it to finish, stop it, or choose another --out.`,
      { flag: '--out' },
    );
    this.pid = pid;
  }
}
