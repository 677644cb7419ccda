import type { InputLine } from './input.js';
import { type InvalidLine, type Job, parseJobLine } from './job.js';
import type { RunCounters } from './run-counters.js';

/** Options of {@link JobSource}. */
export interface JobSourceOptions {
  /** The input's lines, pulled one at a time. */
  readonly lines: AsyncIterable<InputLine>;
  /** Keys of ids the output already has: skipped. */
  readonly done: ReadonlySet<string>;
  readonly counters: RunCounters;
  /** Told of each line that cannot be sent (it becomes an `invalid_input` failure line). */
  readonly onInvalid: (invalid: InvalidLine) => void;
  /** Told of each line whose id an earlier line of this run already had (skipped). */
  readonly onDuplicate: (line: number, id: Job['id']) => void;
  /** The estimated input tokens of a request (counted for the summary and `--dry-run`). */
  readonly estimateTokens: (job: Job) => number;
}

/**
 * The jobs of a run as an AsyncIterable that `schedule()` pulls on demand:
 * reads the next input line only when asked, writes lines that cannot be
 * sent as `invalid_input` failures on the way (through `onInvalid`), skips
 * ids the output already has and ids seen earlier in this run.
 *
 * {@link JobSource.stop} ends it at once, even while a read is pending: the
 * scheduler then dispatches nothing new and completes once what is in flight
 * is answered. A line read but not handed over is simply not done; a re-run
 * does it.
 */
export class JobSource implements AsyncIterableIterator<Job> {
  readonly #options: JobSourceOptions;
  readonly #lines: AsyncIterator<InputLine>;
  /** Ids handed over (or written as invalid) by this run. */
  readonly #seen = new Set<string>();
  #stopped = false;
  /** Settles the pending `next()` (at most one is pending: the scheduler pulls one at a time). */
  #settle: ((result: IteratorResult<Job>) => void) | undefined;

  constructor(options: JobSourceOptions) {
    this.#options = options;
    this.#lines = options.lines[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** True once {@link JobSource.stop} was called. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Hands over nothing more; closes the input. Safe to call twice. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#settle?.({ done: true, value: undefined });
    this.#settle = undefined;
    void this.#lines.return?.()?.catch(() => undefined);
  }

  next(): Promise<IteratorResult<Job>> {
    if (this.#stopped) return Promise.resolve({ done: true, value: undefined });
    // Not Promise.race with a long-lived "stopped" promise: every race would
    // leave a reaction on it, and memory would grow with every line.
    return new Promise<IteratorResult<Job>>((resolve, reject) => {
      const settle = (result: IteratorResult<Job>): void => {
        if (this.#settle === settle) this.#settle = undefined;
        resolve(result);
      };
      this.#settle = settle;
      this.#read().then(settle, (error: unknown) => {
        if (this.#settle === settle) this.#settle = undefined;
        reject(error);
      });
    });
  }

  async return(): Promise<IteratorResult<Job>> {
    this.stop();
    return { done: true, value: undefined };
  }

  async #read(): Promise<IteratorResult<Job>> {
    const { counters, done } = this.#options;
    for (;;) {
      const step = await this.#lines.next();
      if (this.#stopped) return { done: true, value: undefined };
      if (step.done === true) return { done: true, value: undefined };
      const parsed = parseJobLine(step.value.text, step.value.line);
      if (parsed === undefined) continue;
      counters.read++;
      const key = parsed.kind === 'job' ? parsed.job.idKey : parsed.invalid.idKey;
      if (done.has(key)) {
        counters.skipped++;
        continue;
      }
      if (this.#seen.has(key)) {
        counters.duplicates++;
        this.#options.onDuplicate(
          step.value.line,
          parsed.kind === 'job' ? parsed.job.id : parsed.invalid.id,
        );
        continue;
      }
      this.#seen.add(key);
      if (parsed.kind === 'invalid') {
        this.#options.onInvalid(parsed.invalid);
        continue;
      }
      counters.submitted++;
      counters.estimatedTokens += this.#options.estimateTokens(parsed.job);
      return { done: false, value: parsed.job };
    }
  }
}
