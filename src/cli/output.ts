import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { GeminiResponse } from '../providers/gemini/index.js';
import type { FailureKind } from '../schedule/index.js';
import type { InvalidLine, Job, JobId } from './job.js';

/** A success line of the output file. */
export interface SuccessLine {
  readonly id: JobId;
  readonly ok: true;
  readonly text: string;
  readonly usage: GeminiResponse['usage'];
  /** The name of the key that answered (never its secret). */
  readonly key: string;
  readonly attempts: number;
  readonly model: string;
  readonly finishReason?: string;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A failure line of the output file. */
export interface FailureLine {
  readonly id: JobId;
  readonly ok: false;
  readonly error: {
    readonly kind: FailureKind;
    readonly message: string;
    readonly status?: number;
  };
  readonly attempts: number;
  readonly model?: string;
  /** For `invalid_input`: the input line number. */
  readonly line?: number;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** One line of the output file. */
export type ResultLine = SuccessLine | FailureLine;

/** The success line of a job. */
export function successLine(
  job: Job,
  value: GeminiResponse,
  key: string,
  attempts: number,
  model: string,
): SuccessLine {
  return {
    id: job.id,
    ok: true,
    text: value.text,
    usage: value.usage,
    key,
    attempts,
    model,
    ...(value.finishReason === undefined ? {} : { finishReason: value.finishReason }),
    metadata: job.metadata,
  };
}

/** The failure line of a job that failed for good. */
export function failureLine(
  job: Job,
  kind: FailureKind,
  message: string,
  attempts: number,
  model: string,
  status?: number,
): FailureLine {
  return {
    id: job.id,
    ok: false,
    error: { kind, message, ...(status === undefined ? {} : { status }) },
    attempts,
    model,
    metadata: job.metadata,
  };
}

/** The `invalid_input` failure line of an input line that cannot be sent. */
export function invalidLine(invalid: InvalidLine): FailureLine {
  return {
    id: invalid.id,
    ok: false,
    error: { kind: 'invalid_input', message: invalid.message },
    attempts: 0,
    line: invalid.line,
    metadata: invalid.metadata,
  };
}

/**
 * The results file, append-only: each result is one JSON line written whole
 * with a single synchronous `write(2)` on a file opened with `O_APPEND`, as
 * soon as it is known. Once `write` returns the line is in the kernel's page
 * cache, so killing the process (even SIGKILL) cannot lose or tear it; at
 * worst a crash in the middle of a write leaves a partial last line, which
 * the next run cuts away (see `prepareOutput`).
 */
export class OutputWriter {
  readonly path: string;
  #fd: number | undefined;
  #lines = 0;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /** Opens (creating if needed) `path` for appending. */
  static open(path: string): OutputWriter {
    return new OutputWriter(path, openSync(path, 'a'));
  }

  /** Lines written by this writer. */
  get lines(): number {
    return this.#lines;
  }

  /** Appends one result line. */
  write(line: ResultLine): void {
    if (this.#fd === undefined) throw new Error(`The output ${this.path} is closed.`);
    const buffer = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    let offset = 0;
    while (offset < buffer.length) {
      offset += writeSync(this.#fd, buffer, offset, buffer.length - offset);
    }
    this.#lines++;
  }

  /** Flushes to disk (fsync) and closes. Safe to call twice. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
