import type { OperatorFunction, SchedulerLike, Subscription } from 'rxjs';
import { asyncScheduler, Observable } from 'rxjs';
import { validateTimeZone } from '../budget/time-zone.js';
import { InvalidOptionError } from '../errors.js';
import type { UsageEvent } from './events.js';
import type { UsageState } from './reducer.js';
import { emptyUsageState, reduceUsage } from './reducer.js';

/** Options of {@link usageReports}. */
export interface UsageReportsOptions {
  /** The IANA time zone of report days, e.g. `'America/Los_Angeles'`. */
  readonly timeZone: string;
  /**
   * At most one snapshot per this many ms: the first change is emitted at
   * once, later ones at the end of the window (leading and trailing).
   * Default: `1000`.
   */
  readonly throttleMs?: number;
  /** The clock and timer of the throttle. Default: `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  /** The state to start from. Default: {@link emptyUsageState}. */
  readonly initial?: UsageState;
}

/**
 * Folds usage events with {@link reduceUsage} and emits snapshots of the
 * state, throttled (leading and trailing, at most one per `throttleMs`).
 * When the source completes (or errors), the exact final state is emitted
 * at once, if not emitted already, before the completion (or error). An
 * empty source emits nothing. Unsubscribing cancels the throttle's timer.
 *
 * @example `pool.usage$.pipe(usageReports({ timeZone: 'America/Los_Angeles' }))`
 * @throws {@link InvalidOptionError} for a bad time zone or `throttleMs`.
 */
export function usageReports(
  options: UsageReportsOptions,
): OperatorFunction<UsageEvent, UsageState> {
  const { timeZone } = options;
  validateTimeZone(timeZone, 'timeZone');
  const throttleMs = options.throttleMs ?? 1000;
  if (typeof throttleMs !== 'number' || !Number.isFinite(throttleMs) || throttleMs < 0) {
    throw new InvalidOptionError('throttleMs', 'a finite number of ms >= 0', throttleMs);
  }
  const scheduler = options.scheduler ?? asyncScheduler;
  const config = { timeZone };

  return (source) =>
    new Observable<UsageState>((subscriber) => {
      let state = options.initial ?? emptyUsageState();
      let emitted = state;
      let window: Subscription | undefined;

      const emitIfChanged = (): boolean => {
        if (state === emitted) return false;
        emitted = state;
        subscriber.next(state);
        return true;
      };
      const openWindow = (): void => {
        window = scheduler.schedule(() => {
          window = undefined;
          if (emitIfChanged()) openWindow();
        }, throttleMs);
      };
      const closeWindow = (): void => {
        window?.unsubscribe();
        window = undefined;
      };

      const subscription: Subscription = source.subscribe({
        next(event) {
          try {
            state = reduceUsage(state, event, config);
          } catch (err) {
            closeWindow();
            subscriber.error(err);
            return;
          }
          if (window === undefined) {
            emitIfChanged();
            openWindow();
          }
        },
        error(err: unknown) {
          closeWindow();
          emitIfChanged();
          subscriber.error(err);
        },
        complete() {
          closeWindow();
          emitIfChanged();
          subscriber.complete();
        },
      });
      return () => {
        closeWindow();
        subscription.unsubscribe();
      };
    });
}
