import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';

/** A TestScheduler whose assertions go through vitest's `expect`. */
export function createTestScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(actual).toEqual(expected);
  });
}

/**
 * Wraps a scheduler so that `now()` starts at `epochMs` (virtual time starts
 * at 0, i.e. 1970) and counts the timers it has pending, to check that the
 * scheduler under test never holds more than one.
 */
export class ObservedScheduler implements SchedulerLike {
  pending = 0;
  maxPending = 0;
  scheduled = 0;
  readonly #inner: SchedulerLike;
  readonly #offset: number;

  constructor(inner: SchedulerLike, epochMs = 0) {
    this.#inner = inner;
    this.#offset = epochMs;
  }

  now(): number {
    return this.#inner.now() + this.#offset;
  }

  schedule<T>(
    work: (this: SchedulerAction<T>, state?: T) => void,
    delay?: number,
    state?: T,
  ): Subscription {
    this.scheduled++;
    this.pending++;
    this.maxPending = Math.max(this.maxPending, this.pending);
    let done = false;
    const settle = () => {
      if (!done) {
        done = true;
        this.pending--;
      }
    };
    const subscription = this.#inner.schedule(
      function (this: SchedulerAction<T>, innerState?: T) {
        settle();
        work.call(this, innerState);
      },
      delay,
      state,
    );
    subscription.add(settle);
    return subscription;
  }
}
