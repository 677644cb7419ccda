/**
 * Makes sure a request is counted in the report file before it is sent, so a
 * crash (even SIGKILL) can never leave today's report below what the server
 * counted: a re-run seeds its daily budget from that file and cannot
 * overspend the day's quota.
 *
 * Writes are grouped: while one flush is on its way, every request that asks
 * waits for the next single flush, which covers them all (a "group commit").
 * So the cost is one report write per batch, not per request.
 */
export class WriteAhead {
  readonly #flush: () => Promise<void>;
  readonly #onError: (error: unknown) => void;
  #running: Promise<void> | undefined;
  #next: Promise<void> | undefined;
  #failed = false;

  /**
   * @param flush - writes everything counted so far (e.g. `reporting.flush`).
   * @param onError - told once when a write fails; requests still go (the
   *   report is then only as fresh as its last good write).
   */
  constructor(flush: () => Promise<void>, onError: (error: unknown) => void) {
    this.#flush = flush;
    this.#onError = onError;
  }

  /** Resolves once a flush that started after this call has finished. Never rejects. */
  persist(): Promise<void> {
    if (this.#next !== undefined) return this.#next;
    if (this.#running === undefined) return this.#start();
    const next = this.#running.then(() => {
      this.#next = undefined;
      return this.#start();
    });
    this.#next = next;
    return next;
  }

  #start(): Promise<void> {
    const run = this.#flush().catch((error: unknown) => {
      if (!this.#failed) this.#onError(error);
      this.#failed = true;
    });
    this.#running = run;
    void run.then(() => {
      if (this.#running === run) this.#running = undefined;
    });
    return run;
  }
}
