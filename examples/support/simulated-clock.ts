import { asyncScheduler, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * The wall clock shifted by `offset` ms: an RxJS scheduler whose `now()` can
 * jump to tomorrow, while its timers run in real time. Give it to
 * `schedule()`, `attachReports()` and the local server (`now: () => clock.now()`)
 * to show day boundaries without waiting for them.
 */
export class SimulatedClock implements SchedulerLike {
  /** How far ahead of the wall clock this clock is, in ms. */
  offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  /** Moves the clock to `at` (ms since the epoch). */
  jumpTo(at: number): void {
    this.offset = at - Date.now();
  }

  schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay?: number,
    state?: T,
  ): Subscription {
    return asyncScheduler.schedule(work, delay, state);
  }
}
