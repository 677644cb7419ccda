import {
  closeSync,
  createReadStream,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { idKeyOf, isJobId } from './job.js';

/** Options of {@link prepareOutput}. */
export interface PrepareOutputOptions {
  /** Retry the requests whose lines say `ok: false` (their old lines are removed). Default: `true`. */
  readonly retryFailed?: boolean;
  /** Only read: repair nothing, rewrite nothing (for `--dry-run`). Default: `false`. */
  readonly readOnly?: boolean;
}

/** What an existing output file holds, as found by {@link prepareOutput}. */
export interface OutputState {
  /** Keys (`idKeyOf`) of the ids to skip: every `ok: true` id, and failed ids under `--no-retry-failed`. */
  readonly done: Set<string>;
  /** `ok: true` lines kept. */
  readonly succeeded: number;
  /** Failed ids kept as they are (`--no-retry-failed`). */
  readonly keptFailed: number;
  /** Failed ids whose lines were removed so that they are tried again. */
  readonly retrying: number;
  /** Bytes of a partial last line cut away (a crash in the middle of a write). */
  readonly repairedBytes: number;
  /** Unreadable or duplicate lines removed. */
  readonly dropped: number;
}

interface LineInfo {
  readonly key: string;
  readonly ok: boolean;
}

/** Reads a result line's id and `ok`; `undefined` when it is not one. */
function infoOf(text: string): LineInfo | undefined {
  if (text.trim() === '') return undefined;
  try {
    const value = JSON.parse(text) as { id?: unknown; ok?: unknown } | null;
    if (typeof value !== 'object' || value === null || typeof value.ok !== 'boolean')
      return undefined;
    if (!isJobId(value.id)) return undefined;
    return { key: idKeyOf(value.id), ok: value.ok };
  } catch {
    return undefined;
  }
}

async function* linesOf(path: string): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    yield* lines;
  } finally {
    lines.close();
    stream.destroy();
  }
}

/**
 * Makes an output file ready to be appended to by a resumed run, and says
 * which ids to skip.
 *
 * 1. A partial last line (no final newline: the process died in the middle
 *    of a write) is cut away, so its request is done again; if it happens to
 *    be a whole result, only the newline is added.
 * 2. Every id with an `ok: true` line is done. Failed ids are done too under
 *    `retryFailed: false`; otherwise their lines are removed and they are
 *    tried again.
 * 3. When lines must go (failed ones to retry, unreadable or duplicate ones),
 *    the file is rewritten into a temporary file that is renamed over it, so
 *    a crash at any moment leaves either the old file or the new one.
 *
 * Memory: the set of done ids (about 70 bytes per id); the file is streamed.
 */
export async function prepareOutput(
  path: string,
  options: PrepareOutputOptions = {},
): Promise<OutputState> {
  const retryFailed = options.retryFailed ?? true;
  const readOnly = options.readOnly ?? false;
  const empty: OutputState = {
    done: new Set(),
    succeeded: 0,
    keptFailed: 0,
    retrying: 0,
    repairedBytes: 0,
    dropped: 0,
  };
  if (!existsSync(path)) return empty;
  const repairedBytes = readOnly ? 0 : repairTail(path);

  const okIds = new Set<string>();
  const failedIds = new Set<string>();
  let failedLines = 0;
  let dropped = 0;
  for await (const text of linesOf(path)) {
    if (text.trim() === '') continue;
    const info = infoOf(text);
    if (info === undefined) dropped++;
    else if (info.ok) {
      if (okIds.has(info.key)) dropped++;
      else okIds.add(info.key);
    } else {
      failedLines++;
      failedIds.add(info.key);
    }
  }
  // Failure lines of ids that also have a success line are stale.
  let staleFailures = 0;
  for (const key of failedIds) {
    if (okIds.has(key)) {
      failedIds.delete(key);
      staleFailures++;
    }
  }
  const duplicateFailures = failedLines - failedIds.size - staleFailures;
  const needsRewrite =
    dropped > 0 ||
    staleFailures > 0 ||
    duplicateFailures > 0 ||
    (retryFailed && failedIds.size > 0);
  if (needsRewrite && !readOnly) await rewrite(path, retryFailed, okIds);

  const done = okIds;
  if (!retryFailed) for (const key of failedIds) done.add(key);
  return {
    done,
    succeeded: okIds.size,
    keptFailed: retryFailed ? 0 : failedIds.size,
    retrying: retryFailed ? failedIds.size : 0,
    repairedBytes,
    dropped: dropped + duplicateFailures + staleFailures,
  };
}

/** Cuts a partial last line away (or completes a whole one with its newline); returns bytes cut. */
function repairTail(path: string): number {
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return 0;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 10) return 0;
    // Find the last newline, reading backwards in chunks.
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    let cut = 0;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const length = end - start;
      readSync(fd, chunk, 0, length, start);
      const index = chunk.subarray(0, length).lastIndexOf(10);
      if (index >= 0) {
        cut = start + index + 1;
        break;
      }
      end = start;
    }
    const tail = Buffer.alloc(size - cut);
    readSync(fd, tail, 0, tail.length, cut);
    if (infoOf(tail.toString('utf8')) !== undefined) {
      writeSync(fd, '\n', size);
      fsyncSync(fd);
      return 0;
    }
    ftruncateSync(fd, cut);
    fsyncSync(fd);
    return size - cut;
  } finally {
    closeSync(fd);
  }
}

/** Rewrites the file without unreadable lines, duplicates, stale failures and (when retrying) failures. */
async function rewrite(
  path: string,
  retryFailed: boolean,
  okIds: ReadonlySet<string>,
): Promise<void> {
  const temp = `${path}.keyrelay-rewrite.tmp`;
  const fd = openSync(temp, 'w');
  try {
    const kept = new Set<string>();
    for await (const text of linesOf(path)) {
      const info = infoOf(text);
      if (info === undefined || kept.has(info.key)) continue;
      if (!info.ok && (retryFailed || okIds.has(info.key))) continue;
      kept.add(info.key);
      writeSync(fd, `${text}\n`);
    }
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temp, path);
  syncDirectory(dirname(path));
}

/** fsyncs a directory so a rename in it is durable; ignored where unsupported. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported on this platform: the rename is still atomic.
  }
}
