/** What a run did with its input, counted as it goes. */
export class RunCounters {
  /** `ok: true` lines written by this run. */
  succeeded = 0;
  /** Failure lines written by this run, by kind (`invalid_input` included). */
  readonly failed = new Map<string, number>();
  /** Ids skipped because the output already had them (resume). */
  skipped = 0;
  /** Input lines skipped because an earlier line of this run had the same id. */
  duplicates = 0;
  /** Requests not done because the day's quota is spent (`--on-daily-exhaustion stop`): a re-run does them. */
  postponed = 0;
  /** Input lines read so far (blank ones excluded). */
  read = 0;
  /** Requests handed to the scheduler. */
  submitted = 0;
  /** Estimated input tokens of the submitted requests. */
  estimatedTokens = 0;

  /** Counts one failure line of `kind`. */
  fail(kind: string): void {
    this.failed.set(kind, (this.failed.get(kind) ?? 0) + 1);
  }

  /** Failure lines written by this run. */
  get failedTotal(): number {
    let total = 0;
    for (const count of this.failed.values()) total += count;
    return total;
  }

  /** Lines written by this run. */
  get written(): number {
    return this.succeeded + this.failedTotal;
  }

  /** Input lines accounted for: written, skipped or duplicate. */
  get done(): number {
    return this.written + this.skipped + this.duplicates;
  }
}
