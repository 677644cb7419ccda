import { emitKeyrelayWarning as defaultWarningHandler, type WarningHandler } from '../warnings.js';

/** What {@link flushOnExitSignals} needs of a writer. */
export interface Flushable {
  flush(): Promise<void>;
}

/** Options of {@link flushOnExitSignals}. */
export interface FlushOnExitSignalsOptions {
  /** The signals to handle. Default: `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Told when the final flush fails. Default: `process.emitWarning`. */
  readonly onWarning?: WarningHandler;
}

/**
 * On SIGINT or SIGTERM, flushes `writer`, then lets the signal do what it
 * would have done: when no other listener handles that signal, it is raised
 * again so the process ends as the default behaviour says (exit by signal);
 * when the application has its own listener, exiting is left to it.
 * Returns a function that removes the listeners.
 *
 * @example `const stop = flushOnExitSignals(writer); … stop();`
 */
export function flushOnExitSignals(
  writer: Flushable,
  options: FlushOnExitSignalsOptions = {},
): () => void {
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const onWarning = options.onWarning ?? defaultWarningHandler;
  let active = true;

  const remove = (): void => {
    active = false;
    for (const signal of signals) process.removeListener(signal, handler);
  };
  function handler(signal: NodeJS.Signals): void {
    if (!active) return;
    remove();
    writer
      .flush()
      .catch((err: unknown) => {
        onWarning(`keyrelay: flushing usage reports on ${signal} failed: ${String(err)}`);
      })
      .finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
  }
  for (const signal of signals) process.on(signal, handler);
  return remove;
}
