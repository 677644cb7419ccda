import { type Budget, createBudget, tryTake } from '../budget/budget.js';
import { isCountedDay, rollDay } from '../budget/daily-counter.js';
import type { LimitRule, Limits } from '../budget/limits.js';
import { validateSafetyMargin } from '../budget/safety-margin.js';
import { GEMINI_QUOTA_TIME_ZONE, validateTimeZone } from '../budget/time-zone.js';
import { InvalidOptionError } from '../errors.js';
import { type NormalizedRules, normalizeLimitRules, resolveLimits } from './limit-rules.js';
import { MemoryTicket } from './memory-ticket.js';
import type {
  Admission,
  DayUsage,
  FirstAdmission,
  Hold,
  LocalBudgetStore,
  QuotaTarget,
  RefusalReason,
  Ticket,
} from './types.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * The limits: one {@link Limits} object for every quota group and model, or
   * a list of {@link LimitRule}s (the most specific matching rule wins: group
   * and model, then model, then group, then a rule with neither; a target no
   * rule matches is unlimited). Default: `{}` (nothing binds).
   *
   * @example `[{ model: 'gemini-2.0-flash', requestsPerMinute: 15, requestsPerDay: 1_500 }]`
   */
  readonly limits?: Limits | readonly LimitRule[];
  /**
   * The IANA time zone whose calendar days the daily limits count.
   * Default: `'America/Los_Angeles'` (where Gemini resets its daily quotas).
   */
  readonly timeZone?: string;
  /**
   * Milliseconds added to every sliding window's length, because the server
   * counts arrival times and transit varies. Default: `Math.min(1000, Math.ceil(per / 50))`
   * per window (1 s for a minute). `0` makes the windows exact.
   */
  readonly safetyMarginMs?: number;
}

/** What the store keeps for one quota target. */
interface TargetState {
  readonly budget: Budget;
  hold: Hold | undefined;
}

const NO_USAGE: DayUsage = Object.freeze({ requests: 0, tokens: 0 });
const HOLD_REASONS: ReadonlySet<string> = new Set(['cooling', 'parked']);

function checkCount(value: unknown, optionPath: string): number {
  if (typeof value !== 'number' || !(value >= 0) || value === Number.POSITIVE_INFINITY) {
    throw new InvalidOptionError(optionPath, 'a finite number >= 0', value);
  }
  return value;
}

/**
 * The default {@link BudgetStore}: budgets and key states in this process's
 * memory. Budgets per quota group and model are created on first use from
 * the limit rules. Never reads the clock: every time is the caller's `now`.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ limits: { requestsPerMinute: 15, requestsPerDay: 1_500 } });
 * const admission = store.tryAcquire({ group: 'project-a', model: 'gemini-2.0-flash' }, 800, now);
 * ```
 */
export class MemoryStore implements LocalBudgetStore {
  /** The IANA time zone of the daily limits (canonical name). */
  readonly timeZone: string;
  /** Every answer is immediate. */
  readonly answersAtOnce = true as const;
  readonly #rules: NormalizedRules;
  readonly #safetyMarginMs: number | undefined;
  readonly #targets = new Map<string, Map<string, TargetState>>();
  /** The same states by target object: a scheduler asks with the same objects every time. */
  readonly #byTargetObject = new WeakMap<QuotaTarget, TargetState>();
  readonly #disabled = new Map<string, string>();

  /** @throws {@link InvalidOptionError} naming the option, e.g. `limits[2].requestsPerMinute` or `timeZone`. */
  constructor(options: MemoryStoreOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidOptionError(
        'options',
        'an object { limits, timeZone?, safetyMarginMs? }',
        options,
      );
    }
    this.#rules = normalizeLimitRules(options.limits ?? {}, 'limits');
    this.timeZone = validateTimeZone(options.timeZone ?? GEMINI_QUOTA_TIME_ZONE, 'timeZone');
    this.#safetyMarginMs = validateSafetyMargin(options.safetyMarginMs, 'safetyMarginMs');
  }

  #stateOf(target: QuotaTarget): TargetState {
    let state = this.#byTargetObject.get(target);
    if (state === undefined) {
      state = this.#stateByName(target);
      this.#byTargetObject.set(target, state);
    }
    return state;
  }

  #stateByName(target: QuotaTarget): TargetState {
    let models = this.#targets.get(target.group);
    if (models === undefined) {
      models = new Map();
      this.#targets.set(target.group, models);
    }
    let state = models.get(target.model);
    if (state === undefined) {
      const options =
        this.#safetyMarginMs === undefined
          ? { timeZone: this.timeZone }
          : { timeZone: this.timeZone, safetyMarginMs: this.#safetyMarginMs };
      state = {
        budget: createBudget(resolveLimits(this.#rules, target), options),
        hold: undefined,
      };
      models.set(target.model, state);
    }
    return state;
  }

  #existingStateOf(target: QuotaTarget): TargetState | undefined {
    return this.#targets.get(target.group)?.get(target.model);
  }

  /**
   * Take budget for one request, or say when it could go: a hold in force
   * answers first (`retryAt` is its end), then the windows and the day.
   *
   * @param tokens - Estimated input tokens, a finite number `>= 0`.
   * @throws {@link InvalidOptionError} for a negative or non-finite `tokens`.
   */
  tryAcquire(target: QuotaTarget, tokens: number, now: number): Admission {
    if (!(tokens >= 0) || tokens === Number.POSITIVE_INFINITY) {
      throw new InvalidOptionError(
        'tokens',
        'a finite number of estimated input tokens >= 0',
        tokens,
      );
    }
    const state = this.#stateOf(target);
    const hold = state.hold;
    if (hold !== undefined) {
      if (now < hold.until) return { ok: false, retryAt: hold.until, reason: hold.reason };
      state.hold = undefined;
    }
    const taken = tryTake(state.budget, tokens, now);
    if (!taken.ok) return taken;
    return { ok: true, ticket: new MemoryTicket(target, state.budget, taken) };
  }

  /**
   * Take budget on the first of `targets` that admits the request, in order;
   * or say when the earliest could and why each refused.
   *
   * @throws {@link InvalidOptionError} for a negative or non-finite `tokens`.
   */
  acquireFirst(targets: readonly QuotaTarget[], tokens: number, now: number): FirstAdmission {
    let retryAt = Number.POSITIVE_INFINITY;
    const reasons: RefusalReason[] = [];
    for (let index = 0; index < targets.length; index++) {
      const admission = this.tryAcquire(targets[index]!, tokens, now);
      if (admission.ok) return { ok: true, index, ticket: admission.ticket };
      if (admission.retryAt < retryAt) retryAt = admission.retryAt;
      reasons.push(admission.reason);
    }
    return { ok: false, retryAt, reasons };
  }

  /**
   * Correct a reservation once the real input token count is known. A ticket
   * from another kind of store, or a negative or non-finite count, is ignored.
   */
  reconcile(ticket: Ticket, actualTokens: number, _now: number): void {
    MemoryTicket.reconcile(ticket, actualTokens);
  }

  /**
   * Hold `target` back until `hold.until`. When a hold that ends later is
   * already in place it stays (a short cooldown does not end a park).
   *
   * @throws {@link InvalidOptionError} for an unknown reason or an `until` that is not a number.
   */
  hold(target: QuotaTarget, hold: Hold): void {
    if (!HOLD_REASONS.has(hold.reason)) {
      throw new InvalidOptionError('hold.reason', "'cooling' or 'parked'", hold.reason);
    }
    if (typeof hold.until !== 'number' || Number.isNaN(hold.until)) {
      throw new InvalidOptionError('hold.until', 'a time in ms since the epoch', hold.until);
    }
    const state = this.#stateOf(target);
    if (state.hold === undefined || hold.until >= state.hold.until) {
      state.hold = { reason: hold.reason, until: hold.until };
    }
  }

  /** The hold in force on `target` at `now`; a hold whose `until` has come is gone. */
  holdOf(target: QuotaTarget, now: number): Hold | undefined {
    const state = this.#existingStateOf(target);
    const hold = state?.hold;
    if (state === undefined || hold === undefined) return undefined;
    if (now < hold.until) return hold;
    state.hold = undefined;
    return undefined;
  }

  /**
   * Requests and tokens counted for `target` on the day (in {@link timeZone})
   * that contains `now`. Only the current day is kept: an earlier day, or a
   * target never used, gives zeros.
   */
  usageOn(target: QuotaTarget, now: number): DayUsage {
    const day = this.#existingStateOf(target)?.budget.day;
    if (day === undefined || !isCountedDay(day, now)) return NO_USAGE;
    return { requests: day.requests, tokens: day.tokens };
  }

  /**
   * Raise the day's counts (the day that contains `now`) to at least `usage`,
   * e.g. from an earlier run's report file: idempotent, so seeding twice from
   * the same report counts it once. The requests count against that day's
   * request limit; on the next day they are gone. Usage for a day before the
   * one being counted is ignored.
   *
   * @throws {@link InvalidOptionError} when a count is negative or not finite.
   */
  seedDay(target: QuotaTarget, usage: DayUsage, now: number): void {
    const requests = checkCount(usage.requests, 'usage.requests');
    const tokens = checkCount(usage.tokens, 'usage.tokens');
    const day = this.#stateOf(target).budget.day;
    rollDay(day, now);
    if (!isCountedDay(day, now)) return;
    day.requests = Math.max(day.requests, requests);
    day.tokens = Math.max(day.tokens, tokens);
  }

  /** Mark a key unusable for the rest of the run. The first reason given stays. */
  disableKey(keyName: string, reason: string): void {
    if (!this.#disabled.has(keyName)) this.#disabled.set(keyName, reason);
  }

  /** Why a key was disabled, or `undefined` while it is usable. */
  disabledReason(keyName: string): string | undefined {
    return this.#disabled.get(keyName);
  }
}
