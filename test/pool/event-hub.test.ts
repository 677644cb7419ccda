import { config } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { EventHub } from '../../src/pool/event-hub.js';

describe('EventHub', () => {
  const originalHandler = config.onUnhandledError;
  afterEach(() => {
    config.onUnhandledError = originalHandler;
  });

  it('is hot: a subscriber sees only what is published after it subscribed', () => {
    const hub = new EventHub<number>();
    hub.publish(1);
    const seen: number[] = [];
    hub.events$.subscribe((event) => seen.push(event));
    hub.publish(2);
    hub.publish(3);
    expect(seen).toEqual([2, 3]);
  });

  it('says whether anyone listens, and forgets a subscriber that unsubscribed', () => {
    const hub = new EventHub<number>();
    expect(hub.observed).toBe(false);
    const seen: number[] = [];
    const subscription = hub.events$.subscribe((event) => seen.push(event));
    expect(hub.observed).toBe(true);
    subscription.unsubscribe();
    expect(hub.observed).toBe(false);
    hub.publish(1);
    expect(seen).toEqual([]);
  });

  it('changes made while an event is handled apply from the next event on', () => {
    const hub = new EventHub<number>();
    const first: number[] = [];
    const second: number[] = [];
    const late: number[] = [];
    const subscription = hub.events$.subscribe((event) => {
      first.push(event);
      if (event !== 1) return;
      // While handling event 1: the other subscriber leaves (it gets nothing
      // more, like an RxJS Subject's) and a new one joins (it gets event 2 on).
      otherSubscription.unsubscribe();
      hub.events$.subscribe((lateEvent) => late.push(lateEvent));
    });
    const otherSubscription = hub.events$.subscribe((event) => second.push(event));
    hub.publish(1);
    hub.publish(2);
    subscription.unsubscribe();
    hub.publish(3);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([]);
    expect(late).toEqual([2, 3]);
  });

  it("reports a subscriber's error through RxJS and still serves the others", () => {
    const reported: unknown[] = [];
    config.onUnhandledError = (error) => reported.push(error);
    const hub = new EventHub<number>();
    const seen: number[] = [];
    hub.events$.subscribe(() => {
      throw new Error('subscriber failed');
    });
    hub.events$.subscribe((event) => seen.push(event));
    expect(() => hub.publish(7)).not.toThrow();
    expect(seen).toEqual([7]);
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        expect(reported).toHaveLength(1);
        expect((reported[0] as Error).message).toBe('subscriber failed');
        resolve();
      }, 0);
    });
  });

  it('completes every subscriber once, and completes later subscribers at once', () => {
    const hub = new EventHub<number>();
    let completions = 0;
    hub.events$.subscribe({ complete: () => completions++ });
    hub.complete();
    hub.complete();
    expect(completions).toBe(1);
    expect(hub.observed).toBe(false);
    let lateCompleted = false;
    hub.events$.subscribe({ complete: () => (lateCompleted = true) });
    expect(lateCompleted).toBe(true);
    hub.publish(1);
  });
});
