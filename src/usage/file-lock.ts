import { randomBytes } from 'node:crypto';
import { link, open, rename, stat, unlink } from 'node:fs/promises';
import { ReportLockError } from './errors.js';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** A lock file older than this is taken as left by a dead process and broken. Default: `10_000` ms. */
  readonly staleMs?: number;
  /** Give up (with {@link ReportLockError}) after waiting this long. Default: `5_000` ms. */
  readonly timeoutMs?: number;
  /** Wait between attempts, plus up to as much again at random. Default: `15` ms. */
  readonly retryMs?: number;
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Breaks a stale lock: renames it away (only one process can), checks that
 * what it took is still stale, and puts it back if not.
 */
async function breakStaleLock(lockPath: string, staleMs: number): Promise<void> {
  const claimed = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, claimed);
  } catch {
    return; // someone else broke or released it
  }
  try {
    const info = await stat(claimed);
    if (Date.now() - info.mtimeMs < staleMs) {
      // A fresh lock was taken between our check and the rename: give it back.
      await link(claimed, lockPath).catch(() => undefined);
    }
  } finally {
    await unlink(claimed).catch(() => undefined);
  }
}

async function acquire(lockPath: string, options: FileLockOptions): Promise<void> {
  const staleMs = options.staleMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retryMs = options.retryMs ?? 15;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      try {
        await handle.writeFile(
          `${JSON.stringify({ pid: process.pid, at: new Date().toISOString() })}\n`,
        );
      } finally {
        await handle.close();
      }
      return;
    } catch (err) {
      if (errorCode(err) !== 'EEXIST') throw err;
    }
    try {
      const info = await stat(lockPath);
      if (Date.now() - info.mtimeMs >= staleMs) {
        await breakStaleLock(lockPath, staleMs);
        continue;
      }
    } catch (err) {
      if (errorCode(err) === 'ENOENT') continue; // released meanwhile
      throw err;
    }
    if (Date.now() >= deadline) throw new ReportLockError(lockPath, timeoutMs);
    await sleep(retryMs + Math.random() * retryMs);
  }
}

/**
 * Runs `fn` while holding the lock file `lockPath` (created with
 * `fs.open(lockPath, 'wx')`, removed afterwards), so that processes on one
 * machine take turns. Waits with a bounded retry; breaks a lock older than
 * `staleMs` (its process is taken as dead).
 *
 * @throws {@link ReportLockError} when the lock is still held after `timeoutMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}
