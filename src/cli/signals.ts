/** Options of {@link ShutdownSignals}. */
export interface ShutdownSignalsOptions {
  /** The first SIGINT or SIGTERM: stop dispatching and finish gracefully. */
  readonly onFirst: (signal: NodeJS.Signals) => void;
  /** A second one: exit at once (output lines are always whole, so nothing is corrupted). */
  readonly onSecond: (signal: NodeJS.Signals) => void;
  /** The signals handled. Default: `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * SIGINT/SIGTERM handling of `keyrelay run`: the first signal asks for a
 * graceful stop, a second one exits at once. While installed, the process's
 * default "die on SIGINT" behaviour is replaced by these handlers.
 */
export class ShutdownSignals {
  readonly #options: ShutdownSignalsOptions;
  readonly #signals: readonly NodeJS.Signals[];
  #received: NodeJS.Signals | undefined;
  readonly #handler = (signal: NodeJS.Signals): void => {
    if (this.#received === undefined) {
      this.#received = signal;
      this.#options.onFirst(signal);
    } else {
      this.#options.onSecond(signal);
    }
  };

  constructor(options: ShutdownSignalsOptions) {
    this.#options = options;
    this.#signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  }

  /** The first signal received, if any. */
  get received(): NodeJS.Signals | undefined {
    return this.#received;
  }

  install(): this {
    for (const signal of this.#signals) process.on(signal, this.#handler);
    return this;
  }

  uninstall(): void {
    for (const signal of this.#signals) process.removeListener(signal, this.#handler);
  }
}
