import { Observable, type Subscriber } from 'rxjs';

/**
 * A hot multicast of events: what an RxJS `Subject` does for
 * {@link KeyPool.usage$}, without its per-event cost (the `Subject` of
 * RxJS 7's CommonJS build, the one Node resolves, allocates a closure and an
 * iterator for every `next`, and the scheduler emits two events per request).
 *
 * Subscribers see the events published after they subscribe, in order. The
 * list is copied on subscribe and unsubscribe, so a subscriber that joins
 * while an event is being handled gets the events after it, and one that
 * leaves gets nothing more (as with a `Subject`). An error thrown by
 * a subscriber's `next` is reported by RxJS (as with a `Subject`) and does not
 * reach the publisher or the other subscribers.
 */
export class EventHub<T> {
  #subscribers: readonly Subscriber<T>[] = [];
  #completed = false;

  /** The events as an Observable (hot: no replay). */
  readonly events$: Observable<T> = new Observable<T>((subscriber) => {
    if (this.#completed) {
      subscriber.complete();
      return;
    }
    this.#subscribers = [...this.#subscribers, subscriber];
    return () => {
      this.#subscribers = this.#subscribers.filter((present) => present !== subscriber);
    };
  });

  /** True while anyone is subscribed. */
  get observed(): boolean {
    return this.#subscribers.length > 0;
  }

  /** Sends `event` to every current subscriber; nothing after {@link EventHub.complete}. */
  publish(event: T): void {
    const subscribers = this.#subscribers;
    for (let i = 0; i < subscribers.length; i++) subscribers[i]!.next(event);
  }

  /** Completes every subscriber; later subscribers complete at once. Idempotent. */
  complete(): void {
    if (this.#completed) return;
    this.#completed = true;
    const subscribers = this.#subscribers;
    this.#subscribers = [];
    for (const subscriber of subscribers) subscriber.complete();
  }
}
