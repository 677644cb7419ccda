import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { OutputLockedError } from './errors.js';
import { isProcessAlive } from './process-alive.js';

/** A lock file younger than this without a readable pid is taken as being written. */
const FRESH_EMPTY_LOCK_MS = 2000;

/**
 * The lock on an output file: `<out>.lock` holding this process's id, so two
 * runs cannot append to one output (which would duplicate results). A lock
 * left by a process that no longer runs (killed, crashed) is taken over.
 */
export class OutputLock {
  readonly path: string;
  #held = true;

  private constructor(path: string) {
    this.path = path;
  }

  /**
   * Takes the lock of `outputPath`.
   *
   * @throws {@link OutputLockedError} when a live process holds it.
   */
  static acquire(outputPath: string): OutputLock {
    const path = `${outputPath}.lock`;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        try {
          writeSync(fd, `${process.pid}\n`);
        } finally {
          closeSync(fd);
        }
        return new OutputLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = holderOf(path);
      if (holder === 'gone') continue;
      if (holder !== 'unknown' && isProcessAlive(holder))
        throw new OutputLockedError(outputPath, holder);
      if (holder === 'unknown' && ageOf(path) < FRESH_EMPTY_LOCK_MS) {
        throw new OutputLockedError(outputPath, 0);
      }
      breakLock(path);
    }
    throw new OutputLockedError(outputPath, 0);
  }

  /** Removes the lock if this process still holds it. Safe to call twice. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (holderOf(this.path) === process.pid) {
      try {
        unlinkSync(this.path);
      } catch {
        // already gone
      }
    }
  }
}

function holderOf(path: string): number | 'unknown' | 'gone' {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : 'unknown';
  } catch {
    return 'gone';
  }
}

function ageOf(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Renames the dead lock away (only one process can), puts it back if it turns out live. */
function breakLock(path: string): void {
  const claimed = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, claimed);
  } catch {
    return;
  }
  const holder = holderOf(claimed);
  if (typeof holder === 'number' && isProcessAlive(holder)) {
    try {
      linkSync(claimed, path);
    } catch {
      // someone else took it meanwhile
    }
  }
  try {
    unlinkSync(claimed);
  } catch {
    // gone
  }
}
