import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { asyncScheduler } from 'rxjs';

/** A clock that only moves when told to; timers run on the real `asyncScheduler`. */
export class ManualClock implements SchedulerLike {
  constructor(public at: number) {}

  now(): number {
    return this.at;
  }

  schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay?: number,
    state?: T,
  ): Subscription {
    return asyncScheduler.schedule(work, delay, state);
  }
}

/** 2026-03-08 10:00 in Los Angeles (a DST day: clocks went forward at 02:00). */
export const MARCH_8_LA_10AM = Date.parse('2026-03-08T17:00:00Z');
