import { MultiBar, type SingleBar } from 'cli-progress';
import { formatCount, formatDuration, formatRate } from './format.js';
import type { KeyStats } from './key-stats.js';
import type { RunCounters } from './run-counters.js';

/**
 * How progress is shown:
 * - `'tty'`: a live display (bar, done/total, rate, ETA, failures, one line per key);
 * - `'plain'`: one plain line every few seconds, no escape codes (CI, pipes);
 * - `'quiet'`: nothing until the final summary.
 */
export type ProgressMode = 'tty' | 'plain' | 'quiet';

/** Options of {@link Progress}. */
export interface ProgressOptions {
  readonly mode: ProgressMode;
  /** Where it is drawn. Default: `process.stderr`. */
  readonly stream?: NodeJS.WriteStream;
  /** For `'plain'`: ms between lines. Default: 5000 (env `KEYRELAY_PROGRESS_INTERVAL_MS` overrides). */
  readonly intervalMs?: number;
  readonly counters: RunCounters;
  readonly keys: KeyStats;
  /** Lines in the input when known (a file), for done/total and the ETA. */
  readonly total: number | undefined;
  /** The clock. Default: `Date.now`. */
  readonly now?: () => number;
}

/** The progress display of `keyrelay run`. Call {@link Progress.stop} before printing the summary. */
export class Progress {
  readonly #options: ProgressOptions;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #skippedAtStart: number;
  #timer: NodeJS.Timeout | undefined;
  #multibar: MultiBar | undefined;
  #main: SingleBar | undefined;
  readonly #keyBars: SingleBar[] = [];

  constructor(options: ProgressOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
    this.#skippedAtStart = options.counters.skipped;
  }

  /** Starts drawing. */
  start(): void {
    const { mode } = this.#options;
    if (mode === 'quiet') return;
    if (mode === 'plain') {
      const interval =
        this.#options.intervalMs ?? Number(process.env.KEYRELAY_PROGRESS_INTERVAL_MS ?? 5000);
      this.#timer = setInterval(() => this.#printLine(), Math.max(100, interval || 5000));
      this.#timer.unref();
      return;
    }
    const multibar = new MultiBar({
      stream: this.#options.stream ?? process.stderr,
      format: '{line}',
      hideCursor: true,
      clearOnComplete: false,
      linewrap: false,
      fps: 5,
      barsize: 24,
    });
    this.#multibar = multibar;
    this.#main = multibar.create(
      Math.max(1, this.#options.total ?? 1),
      0,
      { line: '' },
      {
        format: ' {bar} {line}',
      },
    );
    for (const _key of this.#options.keys.all)
      this.#keyBars.push(multibar.create(1, 0, { line: '' }));
    this.#refresh();
    this.#timer = setInterval(() => this.#refresh(), 250);
    this.#timer.unref();
  }

  /** The main line: done/total, rate, ETA, failures. */
  statusLine(): string {
    const { counters, total } = this.#options;
    const elapsed = Math.max(1, this.#now() - this.#startedAt);
    const worked = counters.done - this.#skippedAtStart;
    const perMinute = (worked / elapsed) * 60_000;
    const done = counters.done;
    const parts = [
      total === undefined
        ? `${formatCount(done)} done`
        : `${formatCount(done)}/${formatCount(total)} done (${total === 0 ? 100 : Math.floor((done / total) * 100)}%)`,
      `${formatCount(counters.failedTotal)} failed`,
      formatRate(perMinute),
    ];
    if (total !== undefined && worked > 0 && done < total) {
      parts.push(`ETA ${formatDuration(((total - done) / worked) * elapsed)}`);
    }
    if (counters.skipped > 0) parts.push(`${formatCount(counters.skipped)} already done`);
    return parts.join(' | ');
  }

  /** One line per key: name, group, calls and state. */
  keyLines(): string[] {
    const now = this.#now();
    const keys = this.#options.keys;
    const width = Math.max(...keys.all.map((key) => key.name.length), 4);
    return keys.all.map(
      (key) =>
        `   ${key.name.padEnd(width)}  ${key.group}  ${formatCount(key.calls)} calls  ${keys.describe(key, now)}`,
    );
  }

  #refresh(): void {
    const { counters, total } = this.#options;
    this.#main?.setTotal(Math.max(1, total ?? counters.done));
    this.#main?.update(counters.done, { line: this.statusLine() });
    const lines = this.keyLines();
    this.#keyBars.forEach((bar, i) => {
      bar.update(0, { line: lines[i] ?? '' });
    });
  }

  #printLine(): void {
    const now = this.#now();
    const keys = this.#options.keys;
    const perKey = keys.all.map(
      (key) => `${key.name} ${key.calls} calls ${keys.describe(key, now)}`,
    );
    (this.#options.stream ?? process.stderr).write(
      `progress: ${this.statusLine()} | keys: ${perKey.join(', ')}\n`,
    );
  }

  /** Stops drawing (the live display keeps its last frame). Safe to call twice. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#multibar !== undefined) {
      this.#refresh();
      this.#multibar.stop();
      this.#multibar = undefined;
    }
  }

  /** Prints a message above the live display (or as a line). */
  log(message: string): void {
    if (this.#multibar !== undefined) this.#multibar.log(`${message}\n`);
    else (this.#options.stream ?? process.stderr).write(`${message}\n`);
  }
}
