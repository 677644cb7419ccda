import { from, type ObservableInput, type Subscriber, type Subscription } from 'rxjs';
import { startOfNextDay } from '../budget/index.js';
import { redactSecrets } from '../keys/index.js';
import type { KeyPool } from '../pool/key-pool.js';
import type { QuotaTarget, Ticket } from '../store/types.js';
import type { UsageEvent } from '../usage/events.js';
import { backoffDelay } from './backoff.js';
import { Deque } from './deque.js';
import { AllKeysDisabledError, EmptyPoolError } from './errors.js';
import { type AttemptFailure, type FailureKind, RequestFailedError } from './failure.js';
import type { ResolvedScheduleSettings } from './options.js';
import type { CallFn, ScheduleResult, TokenUsage } from './types.js';

/** The call and the hooks the dispatcher needs, every default filled in. */
export interface ResolvedCallSpec<Req, Res> {
  readonly call: CallFn<Req, Res>;
  readonly classifyError: (error: unknown) => AttemptFailure;
  readonly readUsage: ((response: Res) => TokenUsage | undefined) | undefined;
  readonly modelOf: (request: Req) => string;
  readonly estimateTokens: (request: Req) => number;
}

/** One request on its way through the scheduler. */
interface Entry<Req> {
  readonly request: Req;
  readonly model: string;
  readonly tokens: number;
  attempts: number;
  transientFailures: number;
  rateLimitedFailures: number;
  /** For a request in backoff: when it may go again. */
  readyAt: number;
  keysTried: string[];
}

/** The outcome of looking for a key: why nothing could take the request now. */
interface Blocked {
  retryAt: number;
  allDaily: boolean;
  allNever: boolean;
}

/**
 * The state of one subscription to `schedule()`: the lanes of waiting
 * requests (one per model, retries at the front), the requests in backoff,
 * the requests in flight and the single timer.
 *
 * Every moment comes from `settings.scheduler.now()`; the only timer is
 * `#timer`, armed for the earliest moment anything can change.
 */
export class Dispatcher<Req, Res> {
  readonly #pool: KeyPool;
  readonly #spec: ResolvedCallSpec<Req, Res>;
  readonly #settings: ResolvedScheduleSettings;
  readonly #output: Subscriber<ScheduleResult<Req, Res>>;

  /** Waiting requests, one lane per model, so a spent model does not block another. */
  readonly #lanes = new Map<string, Deque<Entry<Req>>>();
  #queued = 0;
  /** Requests in backoff, sorted by `readyAt`. */
  readonly #delayed: Entry<Req>[] = [];
  #inFlight = 0;
  readonly #keyInFlight: Int32Array;
  readonly #inFlightSubscriptions = new Set<Subscription>();
  readonly #abort = new AbortController();

  /** Group index of each key, and a per-pick marker of groups already refused. */
  readonly #groupOfKey: Int32Array;
  readonly #groupNames: string[];
  readonly #groupRefusedAt: Int32Array;
  #pickEpoch = 0;
  readonly #targets = new Map<string, QuotaTarget[]>();
  readonly #blocked: Blocked = {
    retryAt: Number.POSITIVE_INFINITY,
    allDaily: true,
    allNever: true,
  };
  #ticket: Ticket | undefined;
  /** `group\0model` of the targets this dispatcher saw cooled or parked, to announce their resumption. */
  readonly #held = new Set<string>();

  #timer: Subscription | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #pumping = false;
  #pumpAgain = false;
  #sourceDone = false;
  #closed = false;
  /** Pulls the next request from an AsyncIterable source; set by `schedule()`. */
  pullMore: (() => void) | undefined;

  constructor(
    pool: KeyPool,
    spec: ResolvedCallSpec<Req, Res>,
    settings: ResolvedScheduleSettings,
    output: Subscriber<ScheduleResult<Req, Res>>,
  ) {
    this.#pool = pool;
    this.#spec = spec;
    this.#settings = settings;
    this.#output = output;
    this.#keyInFlight = new Int32Array(pool.keys.length);
    const groupIndex = new Map<string, number>();
    this.#groupOfKey = new Int32Array(pool.keys.length);
    pool.keys.forEach((key, index) => {
      let group = groupIndex.get(key.group);
      if (group === undefined) {
        group = groupIndex.size;
        groupIndex.set(key.group, group);
      }
      this.#groupOfKey[index] = group;
    });
    this.#groupNames = [...groupIndex.keys()];
    this.#groupRefusedAt = new Int32Array(groupIndex.size);
  }

  /** Requests waiting to be dispatched (queued or in backoff): bounds an AsyncIterable's read-ahead. */
  get waiting(): number {
    return this.#queued + this.#delayed.length;
  }

  /** True once the output has completed, errored or been unsubscribed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Checks that the pool can serve anything at all; errors the output when not. */
  start(): boolean {
    if (this.#pool.keys.length === 0) {
      this.#fail(new EmptyPoolError(this.#pool.service));
      return false;
    }
    return true;
  }

  /** Queues a new request and dispatches what can go. */
  enqueue(request: Req): void {
    if (this.#closed) return;
    let model: string;
    let tokens: number;
    try {
      model = this.#spec.modelOf(request);
      tokens = this.#spec.estimateTokens(request);
    } catch (error) {
      this.#emitFinalFailure(
        {
          request,
          model: 'unknown',
          tokens: 0,
          attempts: 0,
          transientFailures: 0,
          rateLimitedFailures: 0,
          readyAt: 0,
          keysTried: [],
        },
        'invalid_input',
        `Could not read the request's model or token estimate: ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        error,
      );
      return;
    }
    this.#lane(model).push({
      request,
      model,
      tokens,
      attempts: 0,
      transientFailures: 0,
      rateLimitedFailures: 0,
      readyAt: 0,
      keysTried: [],
    });
    this.#queued++;
    this.pump();
  }

  /** The source completed: finish when everything queued has an answer. */
  sourceComplete(): void {
    this.#sourceDone = true;
    this.pump();
  }

  /** The source errored: the output errors too, tearing down what is in flight. */
  sourceError(error: unknown): void {
    this.#fail(error);
  }

  /** Aborts every call in flight, cancels the timer and stops. Idempotent. */
  teardown(): void {
    if (this.#closed && this.#timer === undefined && this.#inFlightSubscriptions.size === 0) return;
    this.#closed = true;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#abort.abort();
    for (const subscription of this.#inFlightSubscriptions) subscription.unsubscribe();
    this.#inFlightSubscriptions.clear();
  }

  /**
   * Dispatches every request that can go now, then arms the one timer for the
   * earliest moment something else could. Re-entrant calls (a call that
   * answers synchronously) loop here instead of recursing.
   */
  pump(): void {
    if (this.#closed) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    let wakeAt = Number.POSITIVE_INFINITY;
    try {
      do {
        this.#pumpAgain = false;
        wakeAt = this.#dispatchReady();
        if (this.#closed) return;
        if (
          !this.#sourceDone &&
          this.pullMore !== undefined &&
          this.waiting < this.#settings.readAhead
        )
          this.pullMore();
      } while (this.#pumpAgain && !this.#closed);
    } finally {
      this.#pumping = false;
    }
    if (this.#closed) return;
    if (this.#sourceDone && this.waiting === 0 && this.#inFlight === 0) {
      this.#closed = true;
      this.#timer?.unsubscribe();
      this.#timer = undefined;
      this.#output.complete();
      return;
    }
    this.#armTimer(wakeAt);
  }

  /** One pass over the lanes; returns when the timer should next fire. */
  #dispatchReady(): number {
    const now = this.#settings.scheduler.now();
    let wakeAt = this.#releaseDelayed(now);
    for (const lane of this.#lanes.values()) {
      while (lane.length > 0) {
        if (this.#inFlight >= this.#settings.concurrency) return wakeAt;
        const entry = lane.peek()!;
        const keyIndex = this.#pick(entry, now);
        if (this.#closed) return wakeAt;
        if (keyIndex >= 0) {
          lane.shift();
          this.#queued--;
          this.#dispatch(entry, keyIndex, this.#ticket!, now);
          continue;
        }
        const blocked = this.#blocked;
        if (blocked.allNever) {
          lane.shift();
          this.#queued--;
          this.#emitFinalFailure(
            entry,
            'too_large',
            `The request needs about ${entry.tokens} input tokens, more than any quota group's token window allows for ${entry.model}; split it or raise the limit.`,
            undefined,
          );
          continue;
        }
        if (
          blocked.allDaily &&
          this.#settings.onDailyExhaustion === 'fail' &&
          blocked.retryAt > now
        ) {
          lane.shift();
          this.#queued--;
          this.#emitFinalFailure(
            entry,
            'daily_quota_exhausted',
            `The daily quota of every usable key for ${entry.model} is spent; it resets at ${formatInZone(blocked.retryAt, this.#pool.timeZone)} ${this.#pool.timeZone}. Run again after that to go on.`,
            undefined,
          );
          continue;
        }
        if (blocked.retryAt < wakeAt) wakeAt = blocked.retryAt;
        break;
      }
    }
    return wakeAt;
  }

  /** Moves requests whose backoff is over to the front of their lane; returns the next backoff end. */
  #releaseDelayed(now: number): number {
    const delayed = this.#delayed;
    let due = 0;
    while (due < delayed.length && delayed[due]!.readyAt <= now) due++;
    if (due > 0) {
      const ready = delayed.splice(0, due);
      for (let i = ready.length - 1; i >= 0; i--) {
        const entry = ready[i]!;
        this.#lane(entry.model).unshift(entry);
        this.#queued++;
      }
    }
    return delayed.length > 0 ? delayed[0]!.readyAt : Number.POSITIVE_INFINITY;
  }

  /**
   * Walks the keys round-robin from the pool's cursor and takes budget on the
   * first whose group admits the request. Returns the key's index, or -1 with
   * `#blocked` saying when and why nothing could.
   */
  #pick(entry: Entry<Req>, now: number): number {
    const keys = this.#pool.keys;
    const count = keys.length;
    const store = this.#pool.store;
    const epoch = ++this.#pickEpoch;
    const blocked = this.#blocked;
    blocked.retryAt = Number.POSITIVE_INFINITY;
    blocked.allDaily = true;
    blocked.allNever = true;
    let usable = 0;
    const start = this.#pool.cursor % count;
    for (let step = 0; step < count; step++) {
      let index = start + step;
      if (index >= count) index -= count;
      const key = keys[index]!;
      if (store.disabledReason(key.name) !== undefined) continue;
      usable++;
      if (this.#keyInFlight[index]! >= this.#settings.concurrencyPerKey) {
        blocked.allDaily = false;
        blocked.allNever = false;
        continue;
      }
      const group = this.#groupOfKey[index]!;
      if (this.#groupRefusedAt[group] === epoch) continue;
      const admission = store.tryAcquire(this.#target(group, entry.model), entry.tokens, now);
      if (admission.ok) {
        this.#ticket = admission.ticket;
        this.#pool.advanceCursor(index);
        return index;
      }
      this.#groupRefusedAt[group] = epoch;
      if (admission.retryAt < blocked.retryAt) blocked.retryAt = admission.retryAt;
      if (admission.reason !== 'daily' && admission.reason !== 'parked') blocked.allDaily = false;
      if (admission.reason !== 'never') blocked.allNever = false;
    }
    if (usable === 0) {
      this.#fail(
        new AllKeysDisabledError(
          this.#pool.service,
          keys.map((key) => ({
            name: key.name,
            reason: store.disabledReason(key.name) ?? 'disabled',
          })),
        ),
      );
    }
    return -1;
  }

  #dispatch(entry: Entry<Req>, keyIndex: number, ticket: Ticket, now: number): void {
    const key = this.#pool.keys[keyIndex]!;
    entry.attempts++;
    entry.keysTried.push(key.name);
    this.#inFlight++;
    this.#keyInFlight[keyIndex]!++;
    if (this.#pool.observed) {
      if (this.#held.size > 0) {
        const heldKey = `${key.group}\0${entry.model}`;
        if (this.#held.delete(heldKey))
          this.#emit({
            type: 'resumed',
            ...this.#eventBase(key.name, key.group, entry.model, now),
          });
      }
      this.#emit({
        type: 'dispatched',
        ...this.#eventBase(key.name, key.group, entry.model, now),
        attempt: entry.attempts,
        estimatedTokens: entry.tokens,
      });
    }
    let settled = false;
    let subscription: Subscription | undefined;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      this.#inFlight--;
      this.#keyInFlight[keyIndex]!--;
      if (subscription !== undefined) this.#inFlightSubscriptions.delete(subscription);
      return !this.#closed;
    };
    const onValue = (value: Res): void => {
      if (finish()) this.#succeed(entry, keyIndex, ticket, value, now);
    };
    const onError = (error: unknown): void => {
      if (finish()) this.#attemptFailed(entry, keyIndex, error, now);
    };
    let input: ObservableInput<Res>;
    try {
      input = this.#spec.call(key, entry.request, {
        signal: this.#abort.signal,
        attempt: entry.attempts,
        model: entry.model,
      });
    } catch (error) {
      onError(error);
      return;
    }
    if (isPromiseLike<Res>(input)) {
      input.then(onValue, onError);
      return;
    }
    let last: { value: Res } | undefined;
    subscription = from(input).subscribe({
      next: (value) => {
        last = { value };
      },
      error: onError,
      complete: () => {
        if (last === undefined)
          onError(
            new Error('The call completed without a value; it must emit or resolve one response.'),
          );
        else onValue(last.value);
      },
    });
    if (!settled) this.#inFlightSubscriptions.add(subscription);
  }

  #succeed(
    entry: Entry<Req>,
    keyIndex: number,
    ticket: Ticket,
    value: Res,
    startedAt: number,
  ): void {
    const key = this.#pool.keys[keyIndex]!;
    const now = this.#settings.scheduler.now();
    let usage: TokenUsage | undefined;
    try {
      usage = this.#spec.readUsage?.(value);
    } catch {
      usage = undefined;
    }
    if (usage !== undefined) this.#pool.store.reconcile(ticket, usage.inputTokens, now);
    if (this.#pool.observed) {
      const inputTokens = usage?.inputTokens ?? entry.tokens;
      const outputTokens = usage?.outputTokens ?? 0;
      this.#emit({
        type: 'succeeded',
        ...this.#eventBase(key.name, key.group, entry.model, now),
        inputTokens,
        outputTokens,
        latencyMs: now - startedAt,
        cost: inputTokens + outputTokens,
      });
    }
    const result: ScheduleResult<Req, Res> = {
      ok: true,
      request: entry.request,
      value,
      key: key.name,
      group: key.group,
      model: entry.model,
      attempts: entry.attempts,
      startedAt,
      finishedAt: now,
      ...(usage === undefined ? {} : { usage }),
    };
    this.#output.next(result);
    this.pump();
  }

  #attemptFailed(entry: Entry<Req>, keyIndex: number, error: unknown, startedAt: number): void {
    const key = this.#pool.keys[keyIndex]!;
    const now = this.#settings.scheduler.now();
    const failure = this.#classify(error);
    const message = redactSecrets(failure.message, this.#pool.keys);
    const target = this.#target(this.#groupOfKey[keyIndex]!, entry.model);
    const observed = this.#pool.observed;
    const base = observed ? this.#eventBase(key.name, key.group, entry.model, now) : undefined;
    let retry: 'front' | 'backoff' | 'final' = 'final';
    switch (failure.kind) {
      case 'rate_limited': {
        if (base !== undefined) {
          this.#emit({
            type: 'rate_limited',
            ...base,
            perDay: failure.perDay === true,
            ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
            ...(failure.quotaId === undefined ? {} : { quotaId: failure.quotaId }),
          });
        }
        const current = this.#pool.store.holdOf(target, now);
        const hold =
          failure.perDay === true
            ? { reason: 'parked' as const, until: startOfNextDay(now, this.#pool.timeZone) }
            : {
                reason: 'cooling' as const,
                until: now + (failure.retryAfterMs ?? this.#settings.defaultCooldownMs),
              };
        if (
          current === undefined ||
          current.until < hold.until ||
          (hold.reason === 'parked' && current.reason !== 'parked')
        ) {
          this.#pool.store.hold(target, hold);
          this.#held.add(`${key.group}\0${entry.model}`);
          if (base !== undefined)
            this.#emit({
              type: hold.reason === 'parked' ? 'parked' : 'cooled',
              ...base,
              until: hold.until,
            });
        }
        entry.rateLimitedFailures++;
        retry =
          entry.rateLimitedFailures < this.#settings.maxRateLimitedAttempts ? 'front' : 'final';
        break;
      }
      case 'invalid_key':
        if (this.#pool.store.disabledReason(key.name) === undefined) {
          this.#pool.store.disableKey(key.name, message);
          if (base !== undefined) this.#emit({ type: 'disabled', ...base, reason: message });
        }
        retry = 'front';
        break;
      case 'transient':
        entry.transientFailures++;
        retry = entry.transientFailures < this.#settings.maxAttempts ? 'backoff' : 'final';
        break;
      case 'permanent':
        retry = 'final';
        break;
    }
    if (retry === 'final') {
      this.#emitFinalFailure(
        entry,
        failure.kind,
        message,
        failure.status,
        error,
        key.name,
        key.group,
        now - startedAt,
      );
      this.pump();
      return;
    }
    if (base !== undefined) {
      this.#emit({
        type: 'failed',
        ...base,
        kind: failure.kind,
        message,
        final: false,
        latencyMs: now - startedAt,
      });
    }
    if (retry === 'front') {
      this.#lane(entry.model).unshift(entry);
      this.#queued++;
    } else {
      entry.readyAt =
        now +
        backoffDelay(entry.transientFailures, this.#settings.backoff, this.#settings.random());
      this.#insertDelayed(entry);
    }
    this.pump();
  }

  #emitFinalFailure(
    entry: Entry<Req>,
    kind: FailureKind,
    message: string,
    status: number | undefined,
    cause?: unknown,
    keyName?: string,
    group?: string,
    latencyMs = 0,
  ): void {
    if (this.#pool.observed && kind !== 'invalid_input') {
      this.#emit({
        type: 'failed',
        ...this.#eventBase(
          keyName ?? '(none)',
          group ?? '(none)',
          entry.model,
          this.#settings.scheduler.now(),
        ),
        kind,
        message,
        final: true,
        latencyMs,
      });
    }
    this.#output.next({
      ok: false,
      request: entry.request,
      error: new RequestFailedError(kind, message, {
        status,
        cause: redactError(cause, this.#pool),
      }),
      model: entry.model,
      keysTried: entry.keysTried,
      attempts: entry.attempts,
    });
  }

  #classify(error: unknown): AttemptFailure {
    try {
      return this.#spec.classifyError(error);
    } catch (classifierError) {
      return {
        kind: 'permanent',
        message: `classifyError threw while classifying a failure: ${classifierError instanceof Error ? classifierError.message : String(classifierError)}`,
      };
    }
  }

  #insertDelayed(entry: Entry<Req>): void {
    const delayed = this.#delayed;
    let low = 0;
    let high = delayed.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (delayed[middle]!.readyAt <= entry.readyAt) low = middle + 1;
      else high = middle;
    }
    delayed.splice(low, 0, entry);
  }

  #lane(model: string): Deque<Entry<Req>> {
    let lane = this.#lanes.get(model);
    if (lane === undefined) {
      lane = new Deque();
      this.#lanes.set(model, lane);
    }
    return lane;
  }

  #target(group: number, model: string): QuotaTarget {
    let targets = this.#targets.get(model);
    if (targets === undefined) {
      targets = this.#groupNames.map((name) => ({ group: name, model }));
      this.#targets.set(model, targets);
    }
    return targets[group]!;
  }

  #armTimer(at: number): void {
    if (at === Number.POSITIVE_INFINITY) {
      this.#timer?.unsubscribe();
      this.#timer = undefined;
      this.#timerAt = at;
      return;
    }
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#timer?.unsubscribe();
    const scheduler = this.#settings.scheduler;
    this.#timerAt = at;
    this.#timer = scheduler.schedule(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.pump();
      },
      Math.max(0, at - scheduler.now()),
    );
  }

  #eventBase(key: string, group: string, model: string, at: number) {
    return { service: this.#pool.service, key, group, model, at };
  }

  #emit(event: UsageEvent): void {
    this.#pool.emit(event);
  }

  #fail(error: unknown): void {
    if (this.#closed) return;
    this.teardown();
    this.#output.error(error);
  }
}

function isPromiseLike<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/** A thrown error as a cause, with any secret in its message replaced by the key's name. */
function redactError(error: unknown, pool: KeyPool): unknown {
  if (error === undefined) return undefined;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { message: redactSecrets(message, pool.keys) };
}

function formatInZone(at: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
    .format(at)
    .replace(',', '');
}
