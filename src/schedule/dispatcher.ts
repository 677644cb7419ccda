import { setMaxListeners } from 'node:events';
import {
  from,
  type Observable,
  type ObservableInput,
  type Subscriber,
  type Subscription,
} from 'rxjs';
import { startOfNextDay } from '../budget/index.js';
import { redactSecrets } from '../keys/index.js';
import type { KeyPool } from '../pool/key-pool.js';
import type {
  FirstAdmission,
  LocalBudgetStore,
  QuotaTarget,
  RefusalReason,
  Ticket,
} from '../store/types.js';
import type { UsageEvent, UsageEventBase } from '../usage/events.js';
import { backoffDelay } from './backoff.js';
import { Deque } from './deque.js';
import { type Entry, keysTriedOf, type Lane, newEntry, recordAttemptKey } from './entry.js';
import { AllKeysDisabledError, EmptyPoolError } from './errors.js';
import { type AttemptFailure, type FailureKind, RequestFailedError } from './failure.js';
import { formatInZone } from './format-time.js';
import type { ResolvedScheduleSettings } from './options.js';
import type { CallFn, ScheduleResult, SuccessResult, TokenUsage } from './types.js';

/** The call and the hooks the dispatcher needs, every default filled in. */
export interface ResolvedCallSpec<Req, Res> {
  readonly call: CallFn<Req, Res>;
  readonly classifyError: (error: unknown) => AttemptFailure;
  readonly readUsage: ((response: Res) => TokenUsage | undefined) | undefined;
  readonly modelOf: (request: Req) => string;
  readonly estimateTokens: (request: Req) => number;
}

/** What {@link Dispatcher} `#walkKeys` returns when no key admitted (or none was asked). */
const WALK_DONE = -1;
/** What `#walkKeys` returns when every key is disabled (the output has errored). */
const ALL_DISABLED = -2;

/** First and largest pause before asking an unreachable shared store again, in ms. */
const STORE_RETRY_MIN_MS = 100;
const STORE_RETRY_MAX_MS = 5_000;

/**
 * The state of one subscription to `schedule()`: the lanes of waiting
 * requests (one per model, retries at the front), the requests in backoff,
 * the requests in flight and the single timer.
 *
 * Every moment comes from `settings.scheduler.now()`; the only timer is
 * `#timer`, armed for the earliest moment anything can change. Budget is
 * taken from the pool's store in one call per dispatch
 * (`store.acquireFirst` over the usable keys' groups in round-robin order);
 * a shared store answers with a promise, and its lane waits for it.
 */
export class Dispatcher<Req, Res> {
  readonly #pool: KeyPool;
  readonly #spec: ResolvedCallSpec<Req, Res>;
  readonly #settings: ResolvedScheduleSettings;
  readonly #output: Subscriber<ScheduleResult<Req, Res>>;

  /** Waiting requests, one lane per model, so a spent model does not block another. */
  readonly #lanes = new Map<string, Lane<Req>>();
  /** The same lanes in creation order: every pump walks them without an iterator. */
  readonly #laneList: Lane<Req>[] = [];
  /** The lane of the latest model looked up (requests mostly name one model). */
  #lastLane: Lane<Req> | undefined;
  #queued = 0;
  /** Requests in backoff, sorted by `readyAt`. */
  readonly #delayed: Entry<Req>[] = [];
  /** Requests whose budget a shared store is deciding on. */
  #acquiring = 0;
  #inFlight = 0;
  readonly #keyInFlight: Int32Array;
  readonly #inFlightSubscriptions = new Set<Subscription>();
  readonly #abort = new AbortController();

  /** Group index of each key, and the quota targets per model by group index. */
  readonly #groupOfKey: Int32Array;
  readonly #groupNames: string[];
  readonly #targets = new Map<string, QuotaTarget[]>();
  /** Candidates of the current pick, reused: one target per group, and the key that stands for it. */
  readonly #candidateTargets: QuotaTarget[] = [];
  readonly #candidateKeys: number[] = [];
  readonly #groupSeenAt: Int32Array;
  #pickEpoch = 0;
  /** Why each group refused in the current walk (reused), how many did, and the earliest retry. */
  readonly #refusals: RefusalReason[] = [];
  #refused = 0;
  #walkRetryAt = Number.POSITIVE_INFINITY;
  #ticket: Ticket | undefined;
  /** Per `group\0model`: the end of the latest cooldown or park announced, to announce resumption once. */
  readonly #held = new Map<string, number>();
  #storeRetryMs = STORE_RETRY_MIN_MS;

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
    // Every call in flight listens to this one signal: no listener limit applies.
    setMaxListeners(0, this.#abort.signal);
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
    this.#groupSeenAt = new Int32Array(groupIndex.size);
  }

  /** Requests read but not yet sent (queued, in backoff or being admitted): bounds an AsyncIterable's read-ahead. */
  get waiting(): number {
    return this.#queued + this.#delayed.length + this.#acquiring;
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
      this.#finalFailure(
        newEntry(request, 'unknown', 0),
        'invalid_input',
        `Could not read the request's model or token estimate: ${errorText(error)}`,
      );
      return;
    }
    this.#lane(model).queue.push(newEntry(request, model, tokens));
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
    this.#closed = true;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    if (!this.#abort.signal.aborted) this.#abort.abort();
    for (const subscription of this.#inFlightSubscriptions) subscription.unsubscribe();
    this.#inFlightSubscriptions.clear();
  }

  /**
   * Dispatches every request that can go now, then arms the one timer for the
   * earliest moment something else could. Re-entrant calls (a call that
   * answers synchronously) loop here instead of recursing.
   */
  pump(knownNow?: number): void {
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
        wakeAt = this.#dispatchReady(knownNow ?? this.#settings.scheduler.now());
        knownNow = undefined;
        if (this.#closed) return;
        if (
          !this.#sourceDone &&
          this.pullMore !== undefined &&
          this.waiting < this.#settings.readAhead
        ) {
          this.pullMore();
        }
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
  #dispatchReady(now: number): number {
    let wakeAt = this.#releaseDelayed(now);
    const lanes = this.#laneList;
    for (let index = 0; index < lanes.length; index++) {
      const lane = lanes[index]!;
      if (lane.acquiring) continue;
      if (lane.notBefore > now) {
        if (lane.queue.length > 0 && lane.notBefore < wakeAt) wakeAt = lane.notBefore;
        continue;
      }
      while (lane.queue.length > 0 && !lane.acquiring) {
        if (this.#inFlight + this.#acquiring >= this.#settings.concurrency) return wakeAt;
        const retryAt = this.#admitHead(lane, now);
        if (this.#closed) return wakeAt;
        if (retryAt === undefined) continue;
        if (retryAt < wakeAt) wakeAt = retryAt;
        break;
      }
    }
    return wakeAt;
  }

  /**
   * Asks the store for budget for the lane's head on the first usable key's
   * group, round-robin. Returns `undefined` when the head left the lane
   * (dispatched, failed for good, or handed to a shared store), else when to try again.
   */
  #admitHead(lane: Lane<Req>, now: number): number | undefined {
    const entry = lane.queue.peek()!;
    if (this.#pool.store.answersAtOnce === true) return this.#admitLocally(lane, entry, now);
    if (this.#walkKeys(entry, lane.targets, now, false) === ALL_DISABLED) return undefined;
    if (this.#candidateTargets.length === 0) return Number.POSITIVE_INFINITY;
    const admission = this.#pool.store.acquireFirst(this.#candidateTargets, entry.tokens, now);
    lane.queue.shift();
    this.#queued--;
    if (!isPromiseLike<FirstAdmission>(admission)) {
      const retryAt = this.#settleAdmission(entry, admission, this.#candidateKeys, now);
      if (retryAt !== undefined) {
        lane.queue.unshift(entry);
        this.#queued++;
      }
      return retryAt;
    }
    lane.acquiring = true;
    this.#acquiring++;
    const keys = this.#candidateKeys.slice();
    admission.then(
      (answer) => {
        lane.acquiring = false;
        this.#acquiring--;
        if (this.#closed) return;
        this.#storeRetryMs = STORE_RETRY_MIN_MS;
        const answeredAt = this.#settings.scheduler.now();
        const retryAt = this.#settleAdmission(entry, answer, keys, answeredAt);
        if (retryAt !== undefined) {
          lane.queue.unshift(entry);
          this.#queued++;
          lane.notBefore = retryAt;
        }
        this.pump();
      },
      (error: unknown) => {
        lane.acquiring = false;
        this.#acquiring--;
        if (this.#closed) return;
        lane.queue.unshift(entry);
        this.#queued++;
        lane.notBefore = this.#settings.scheduler.now() + this.#storeRetryMs;
        this.#storeFailed(error, entry.model, this.#storeRetryMs);
        this.#storeRetryMs = Math.min(STORE_RETRY_MAX_MS, this.#storeRetryMs * 2);
        this.pump();
      },
    );
    return undefined;
  }

  /**
   * Walks the keys round-robin from the pool's cursor, one candidate per
   * quota group: its first key that is neither disabled nor at its
   * concurrency limit. With `askAsItGoes` (a store that answers at once) it
   * takes budget on each candidate's group as it goes and stops at the first
   * that admits, so an admitted request costs one store call, not a walk over
   * every key; otherwise it only collects the candidates for one
   * `acquireFirst`.
   *
   * Returns the admitting key's index (its ticket in `#ticket`), or
   * {@link WALK_DONE} with the candidates (or, asking, the refusals and
   * `#walkRetryAt`) filled in, or {@link ALL_DISABLED} after erroring the output.
   */
  #walkKeys(
    entry: Entry<Req>,
    targets: readonly QuotaTarget[],
    now: number,
    askAsItGoes: boolean,
  ): number {
    const keys = this.#pool.keys;
    const count = keys.length;
    const store = this.#pool.store;
    const epoch = ++this.#pickEpoch;
    const start = this.#pool.cursor % count;
    if (!askAsItGoes) {
      this.#candidateTargets.length = 0;
      this.#candidateKeys.length = 0;
    }
    this.#refused = 0;
    this.#walkRetryAt = Number.POSITIVE_INFINITY;
    let usable = 0;
    for (let step = 0; step < count; step++) {
      let index = start + step;
      if (index >= count) index -= count;
      if (store.disabledReason(keys[index]!.name) !== undefined) continue;
      usable++;
      if (this.#keyInFlight[index]! >= this.#settings.concurrencyPerKey) continue;
      const group = this.#groupOfKey[index]!;
      if (this.#groupSeenAt[group] === epoch) continue;
      this.#groupSeenAt[group] = epoch;
      if (!askAsItGoes) {
        this.#candidateTargets.push(targets[group]!);
        this.#candidateKeys.push(index);
        continue;
      }
      const admission = (store as LocalBudgetStore).tryAcquire(targets[group]!, entry.tokens, now);
      if (admission.ok) {
        this.#ticket = admission.ticket;
        return index;
      }
      this.#refusals[this.#refused++] = admission.reason;
      if (admission.retryAt < this.#walkRetryAt) this.#walkRetryAt = admission.retryAt;
    }
    if (usable > 0) return WALK_DONE;
    this.#failAllDisabled();
    return ALL_DISABLED;
  }

  /** {@link Dispatcher.#walkKeys} with a store that answers at once: dispatch, fail for good, or say when. */
  #admitLocally(lane: Lane<Req>, entry: Entry<Req>, now: number): number | undefined {
    const keyIndex = this.#walkKeys(entry, lane.targets, now, true);
    if (keyIndex === ALL_DISABLED) return undefined;
    if (keyIndex >= 0) {
      lane.queue.shift();
      this.#queued--;
      this.#pool.advanceCursor(keyIndex);
      this.#dispatch(entry, keyIndex, this.#ticket!, now);
      return undefined;
    }
    const refused = this.#refused;
    if (refused === 0) return Number.POSITIVE_INFINITY;
    const reasons = this.#refusals;
    reasons.length = refused;
    lane.queue.shift();
    this.#queued--;
    const next = this.#settleRefusal(entry, this.#walkRetryAt, reasons, refused, now);
    if (next !== undefined) {
      lane.queue.unshift(entry);
      this.#queued++;
    }
    return next;
  }

  #failAllDisabled(): void {
    const store = this.#pool.store;
    this.#fail(
      new AllKeysDisabledError(
        this.#pool.service,
        this.#pool.keys.map((key) => ({
          name: key.name,
          reason: store.disabledReason(key.name) ?? 'disabled',
        })),
      ),
    );
  }

  /**
   * Acts on a shared store's answer: dispatches on the admitting group's key,
   * or handles the refusal. Returns `undefined` when the request was
   * dispatched or failed for good, else when it could go.
   */
  #settleAdmission(
    entry: Entry<Req>,
    admission: FirstAdmission,
    keys: readonly number[],
    now: number,
  ): number | undefined {
    if (!admission.ok)
      return this.#settleRefusal(entry, admission.retryAt, admission.reasons, keys.length, now);
    const keyIndex = keys[admission.index]!;
    this.#pool.advanceCursor(keyIndex);
    this.#dispatch(entry, keyIndex, admission.ticket, now);
    return undefined;
  }

  /**
   * Every asked group refused: fails the request for good when it can never
   * go (too large for every window) or the day is spent with
   * `onDailyExhaustion: 'fail'`, and returns `undefined`; else returns when it
   * could go. Groups left out for being busy (per-key concurrency) may still
   * take it, so they rule out both verdicts.
   */
  #settleRefusal(
    entry: Entry<Req>,
    retryAt: number,
    reasons: readonly RefusalReason[],
    groupsAsked: number,
    now: number,
  ): number | undefined {
    const everyGroupAsked = groupsAsked >= this.#usableGroupCount();
    if (everyGroupAsked && reasons.every((reason) => reason === 'never')) {
      this.#finalFailure(
        entry,
        'too_large',
        `The request needs about ${entry.tokens} input tokens, more than any quota group's token window allows for ${entry.model}; split it or raise the limit.`,
      );
      return undefined;
    }
    if (
      this.#settings.onDailyExhaustion === 'fail' &&
      everyGroupAsked &&
      retryAt > now &&
      reasons.every((reason) => reason === 'daily' || reason === 'parked')
    ) {
      const zone = this.#pool.timeZone;
      this.#finalFailure(
        entry,
        'daily_quota_exhausted',
        `The daily quota of every usable key for ${entry.model} is spent; it resets at ${formatInZone(retryAt, zone)} ${zone}. Run again after that to go on.`,
      );
      return undefined;
    }
    return retryAt;
  }

  /** How many quota groups have a usable (not disabled) key. */
  #usableGroupCount(): number {
    const store = this.#pool.store;
    const epoch = ++this.#pickEpoch;
    let groups = 0;
    this.#pool.keys.forEach((key, index) => {
      const group = this.#groupOfKey[index]!;
      if (this.#groupSeenAt[group] === epoch || store.disabledReason(key.name) !== undefined)
        return;
      this.#groupSeenAt[group] = epoch;
      groups++;
    });
    return groups;
  }

  #dispatch(entry: Entry<Req>, keyIndex: number, ticket: Ticket, now: number): void {
    const key = this.#pool.keys[keyIndex]!;
    entry.attempts++;
    recordAttemptKey(entry, key.name);
    this.#inFlight++;
    this.#keyInFlight[keyIndex]!++;
    if (this.#pool.observed) {
      if (this.#held.size > 0 && this.#held.delete(`${key.group}\0${entry.model}`)) {
        this.#emit({ type: 'resumed', ...this.#eventBase(key.name, key.group, entry.model, now) });
      }
      this.#emit({
        type: 'dispatched',
        service: this.#pool.service,
        key: key.name,
        group: key.group,
        model: entry.model,
        at: now,
        attempt: entry.attempts,
        estimatedTokens: entry.tokens,
      });
    }
    let input: ObservableInput<Res>;
    try {
      input = this.#spec.call(key, entry.request, {
        signal: this.#abort.signal,
        attempt: entry.attempts,
        model: entry.model,
      });
    } catch (error) {
      if (this.#callSettled(keyIndex)) this.#attemptFailed(entry, keyIndex, error, now);
      return;
    }
    if (isPromiseLike<Res>(input)) {
      // The common case, kept to two closures. A promise settles once; the
      // flag guards against a hand-made thenable that calls back twice.
      let settled = false;
      input.then(
        (value) => {
          if (settled) return;
          settled = true;
          if (this.#callSettled(keyIndex)) this.#succeed(entry, keyIndex, ticket, value, now);
        },
        (error: unknown) => {
          if (settled) return;
          settled = true;
          if (this.#callSettled(keyIndex)) this.#attemptFailed(entry, keyIndex, error, now);
        },
      );
      return;
    }
    this.#subscribeToCall(from(input), entry, keyIndex, ticket, now);
  }

  /** A call answered (or threw): it is no longer in flight. Returns false once the output is closed. */
  #callSettled(keyIndex: number): boolean {
    this.#inFlight--;
    this.#keyInFlight[keyIndex]!--;
    return !this.#closed;
  }

  /**
   * Follows a call that answered with an Observable: its last value is the
   * response; completing without one is a failure. Teardown unsubscribes it.
   */
  #subscribeToCall(
    response$: Observable<Res>,
    entry: Entry<Req>,
    keyIndex: number,
    ticket: Ticket,
    startedAt: number,
  ): void {
    let settled = false;
    let last: { value: Res } | undefined;
    // Assigned after subscribe() returns: a synchronous answer settles before that.
    let subscription: Subscription | undefined;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      if (subscription !== undefined) this.#inFlightSubscriptions.delete(subscription);
      return this.#callSettled(keyIndex);
    };
    subscription = response$.subscribe({
      next: (value) => {
        last = { value };
      },
      error: (error: unknown) => {
        if (settle()) this.#attemptFailed(entry, keyIndex, error, startedAt);
      },
      complete: () => {
        if (!settle()) return;
        if (last === undefined) {
          this.#attemptFailed(
            entry,
            keyIndex,
            new Error('The call completed without a value; it must emit or resolve one response.'),
            startedAt,
          );
        } else {
          this.#succeed(entry, keyIndex, ticket, last.value, startedAt);
        }
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
    if (usage !== undefined)
      this.#background(this.#pool.store.reconcile(ticket, usage.inputTokens, now), entry.model);
    if (this.#pool.observed) {
      const inputTokens = usage?.inputTokens ?? entry.tokens;
      const outputTokens = usage?.outputTokens ?? 0;
      this.#emit({
        type: 'succeeded',
        service: this.#pool.service,
        key: key.name,
        group: key.group,
        model: entry.model,
        at: now,
        inputTokens,
        outputTokens,
        latencyMs: now - startedAt,
        cost: inputTokens + outputTokens,
      });
    }
    const result: { -readonly [K in keyof SuccessResult<Req, Res>]: SuccessResult<Req, Res>[K] } = {
      ok: true,
      request: entry.request,
      value,
      key: key.name,
      group: key.group,
      model: entry.model,
      attempts: entry.attempts,
      startedAt,
      finishedAt: now,
    };
    if (usage !== undefined) result.usage = usage;
    this.#output.next(result);
    this.#afterSettle(now);
  }

  #attemptFailed(entry: Entry<Req>, keyIndex: number, error: unknown, startedAt: number): void {
    const key = this.#pool.keys[keyIndex]!;
    const now = this.#settings.scheduler.now();
    const failure = this.#classify(error);
    const message = redactSecrets(failure.message, this.#pool.keys);
    const base = this.#pool.observed
      ? this.#eventBase(key.name, key.group, entry.model, now)
      : undefined;
    let retry: 'front' | 'backoff' | 'final' = 'final';
    switch (failure.kind) {
      case 'rate_limited':
        this.#rateLimited(entry, keyIndex, failure, now, base);
        entry.rateLimitedFailures++;
        retry =
          entry.rateLimitedFailures < this.#settings.maxRateLimitedAttempts ? 'front' : 'final';
        break;
      case 'invalid_key':
        if (this.#pool.store.disabledReason(key.name) === undefined) {
          this.#background(this.#pool.store.disableKey(key.name, message), entry.model);
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
      this.#finalFailure(entry, failure.kind, message, {
        status: failure.status,
        cause: error,
        key: key.name,
        group: key.group,
        latencyMs: now - startedAt,
      });
    } else {
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
        this.#lane(entry.model).queue.unshift(entry);
        this.#queued++;
      } else {
        entry.readyAt =
          now +
          backoffDelay(entry.transientFailures, this.#settings.backoff, this.#settings.random());
        this.#insertDelayed(entry);
      }
    }
    this.#afterSettle(now);
  }

  /** A 429: cool the key's quota group for the server's delay, or park it until the next day. */
  #rateLimited(
    entry: Entry<Req>,
    keyIndex: number,
    failure: AttemptFailure,
    now: number,
    base: UsageEventBase | undefined,
  ): void {
    const key = this.#pool.keys[keyIndex]!;
    if (base !== undefined) {
      this.#emit({
        type: 'rate_limited',
        ...base,
        perDay: failure.perDay === true,
        ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
        ...(failure.quotaId === undefined ? {} : { quotaId: failure.quotaId }),
      });
    }
    const parked = failure.perDay === true;
    const until = parked
      ? startOfNextDay(now, this.#pool.timeZone)
      : now + (failure.retryAfterMs ?? this.#settings.defaultCooldownMs);
    const target = this.#targetsFor(entry.model)[this.#groupOfKey[keyIndex]!]!;
    this.#background(
      this.#pool.store.hold(target, { reason: parked ? 'parked' : 'cooling', until }),
      entry.model,
    );
    const heldKey = `${key.group}\0${entry.model}`;
    const announced = this.#held.get(heldKey);
    if (announced === undefined || announced < until) {
      this.#held.set(heldKey, until);
      if (base !== undefined) this.#emit({ type: parked ? 'parked' : 'cooled', ...base, until });
    }
  }

  /** A request settled at `now`: shared-store lanes may ask again at once (budget or a key may have freed up). */
  #afterSettle(now: number): void {
    if (this.#pool.store.answersAtOnce !== true) {
      for (const lane of this.#laneList) lane.notBefore = 0;
    }
    this.pump(now);
  }

  #finalFailure(
    entry: Entry<Req>,
    kind: FailureKind,
    message: string,
    detail: {
      status?: number | undefined;
      cause?: unknown;
      key?: string;
      group?: string;
      latencyMs?: number;
    } = {},
  ): void {
    if (this.#pool.observed && kind !== 'invalid_input') {
      this.#emit({
        type: 'failed',
        ...this.#eventBase(
          detail.key ?? '(none)',
          detail.group ?? '(none)',
          entry.model,
          this.#settings.scheduler.now(),
        ),
        kind,
        message,
        final: true,
        latencyMs: detail.latencyMs ?? 0,
      });
    }
    this.#output.next({
      ok: false,
      request: entry.request,
      error: new RequestFailedError(kind, message, {
        status: detail.status,
        cause:
          detail.cause === undefined
            ? undefined
            : { message: redactSecrets(errorText(detail.cause), this.#pool.keys) },
      }),
      model: entry.model,
      keysTried: keysTriedOf(entry),
      attempts: entry.attempts,
    });
  }

  #classify(error: unknown): AttemptFailure {
    try {
      return this.#spec.classifyError(error);
    } catch (classifierError) {
      return {
        kind: 'permanent',
        message: `classifyError threw while classifying a failure: ${errorText(classifierError)}`,
      };
    }
  }

  /** Runs a store write that may answer with a promise; a failure is reported, not thrown. */
  #background(result: void | Promise<void>, model: string): void {
    if (isPromiseLike<void>(result))
      result.then(undefined, (error: unknown) => this.#storeFailed(error, model, 0));
  }

  #storeFailed(error: unknown, model: string, retryInMs: number): void {
    if (!this.#pool.observed) return;
    this.#emit({
      type: 'store_error',
      ...this.#eventBase('(store)', '(store)', model, this.#settings.scheduler.now()),
      message: redactSecrets(errorText(error), this.#pool.keys),
      retryInMs,
    });
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
        this.#lane(entry.model).queue.unshift(entry);
        this.#queued++;
      }
    }
    return delayed.length > 0 ? delayed[0]!.readyAt : Number.POSITIVE_INFINITY;
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

  #lane(model: string): Lane<Req> {
    const last = this.#lastLane;
    if (last !== undefined && last.model === model) return last;
    let lane = this.#lanes.get(model);
    if (lane === undefined) {
      lane = {
        model,
        targets: this.#targetsFor(model),
        queue: new Deque(),
        acquiring: false,
        notBefore: 0,
      };
      this.#lanes.set(model, lane);
      this.#laneList.push(lane);
    }
    this.#lastLane = lane;
    return lane;
  }

  /** The quota targets of a model, by group index (built once per model). */
  #targetsFor(model: string): QuotaTarget[] {
    let targets = this.#targets.get(model);
    if (targets === undefined) {
      targets = this.#groupNames.map((group) => Object.freeze({ group, model }));
      this.#targets.set(model, targets);
    }
    return targets;
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

  #eventBase(key: string, group: string, model: string, at: number): UsageEventBase {
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

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
