import { KeyrelayError } from '../errors.js';

/** Two reports of different services or days were merged. */
export class ReportMismatchError extends KeyrelayError {
  override name = 'ReportMismatchError';
}

/**
 * A report file's lock could not be taken within `lockTimeoutMs`: another
 * process holds it. The counts are kept and written at the next flush.
 */
export class ReportLockError extends KeyrelayError {
  override name = 'ReportLockError';
  /** The lock file's path. */
  readonly lockPath: string;

  constructor(lockPath: string, timeoutMs: number) {
    super(
      `Could not lock ${lockPath} within ${timeoutMs} ms: another process holds it. ` +
        'If no keyrelay process is running, delete the lock file.',
    );
    this.lockPath = lockPath;
  }
}

/** A {@link ReportWriter} was used after `close()`. */
export class ReportWriterClosedError extends KeyrelayError {
  override name = 'ReportWriterClosedError';
}
