/**
 * Which budget a request draws on: Gemini counts quota per project (group)
 * and model. A store may remember a target object by identity (the
 * scheduler asks with the same objects every time), so do not change one
 * after use: make a new object instead.
 */
export interface QuotaTarget {
  /** The quota group (a Google Cloud project). */
  readonly group: string;
  /** The model, e.g. `'gemini-2.0-flash'`. */
  readonly model: string;
}

/** Why a quota target is held back from dispatching. */
export type HoldReason = 'cooling' | 'parked';

/** A hold on a quota target: no dispatch before `until` (ms since the epoch). */
export interface Hold {
  readonly reason: HoldReason;
  readonly until: number;
}

/** Proof that budget was taken for one request; give it back to {@link BudgetStore.reconcile}. */
export interface Ticket {
  readonly target: QuotaTarget;
  /** The estimated input tokens that were reserved. */
  readonly tokens: number;
  /** When the budget was taken (ms since the epoch). */
  readonly at: number;
}

/** The store's answer to a request for budget. */
export type Admission =
  | { readonly ok: true; readonly ticket: Ticket }
  | {
      readonly ok: false;
      /** The earliest moment the same request could be admitted; `Infinity` when never. */
      readonly retryAt: number;
      /**
       * What binds: `'window'` a sliding window, `'daily'` the day's quota,
       * `'cooling'` / `'parked'` a hold, `'never'` a request larger than a window's token limit.
       */
      readonly reason: 'window' | 'daily' | HoldReason | 'never';
    };

/** Why a quota target refused a request: see {@link Admission}. */
export type RefusalReason = Extract<Admission, { ok: false }>['reason'];

/**
 * The store's answer when asked for budget on the first of several targets
 * that admits a request (the scheduler's round-robin order).
 */
export type FirstAdmission =
  | {
      readonly ok: true;
      /** The index in `targets` of the target that admitted the request. */
      readonly index: number;
      readonly ticket: Ticket;
    }
  | {
      readonly ok: false;
      /** The earliest moment any of the targets could admit it; `Infinity` when none ever can. */
      readonly retryAt: number;
      /** Why each target refused, in the order of `targets`. */
      readonly reasons: readonly RefusalReason[];
    };

/** A value, or a promise of it: local stores answer at once, shared ones (Redis) over the network. */
export type MaybePromise<T> = T | Promise<T>;

/** Requests and input tokens counted for one quota target on one day. */
export interface DayUsage {
  readonly requests: number;
  readonly tokens: number;
}

/**
 * Where budget and key state live: the contract the scheduler talks to.
 * A local store ({@link LocalBudgetStore}, e.g. `MemoryStore`) answers at
 * once; a shared store (Redis) answers with promises, at most one round trip
 * per dispatch ({@link BudgetStore.acquireFirst}).
 *
 * Every method takes `now` from the caller's clock (an RxJS scheduler); a
 * shared store may use its server's clock instead, so that machines whose
 * clocks differ still count one timeline.
 */
export interface BudgetStore {
  /** The IANA time zone whose calendar day is the quota's day. */
  readonly timeZone: string;
  /**
   * True when every method answers at once, never with a promise: the
   * scheduler then asks group by group as it walks the keys (one call for an
   * admitted request) instead of one `acquireFirst` over every group.
   * Default: `false`.
   */
  readonly answersAtOnce?: boolean;
  /**
   * Takes budget for one request on the first of `targets` (in order) that
   * admits it, checking holds, windows and the day's quota in one atomic
   * step; or says when the earliest of them could.
   */
  acquireFirst(
    targets: readonly QuotaTarget[],
    tokens: number,
    now: number,
  ): MaybePromise<FirstAdmission>;
  /** Take budget for one request of `tokens` estimated input tokens on one target, or say when it could go. */
  tryAcquire(target: QuotaTarget, tokens: number, now: number): MaybePromise<Admission>;
  /** Correct a reservation once the real input token count is known. */
  reconcile(ticket: Ticket, actualTokens: number, now: number): MaybePromise<void>;
  /** Hold `target` back until `hold.until`; a hold that ends later stays. */
  hold(target: QuotaTarget, hold: Hold): MaybePromise<void>;
  /** The hold in force on `target` at `now`, if any. */
  holdOf(target: QuotaTarget, now: number): MaybePromise<Hold | undefined>;
  /** The usage counted for `target` on the day (in {@link BudgetStore.timeZone}) that contains `now`. */
  usageOn(target: QuotaTarget, now: number): MaybePromise<DayUsage>;
  /**
   * Raise the counts of the day that contains `now` to at least `usage` (from
   * an earlier run's report file). Idempotent: seeding twice counts once.
   */
  seedDay(target: QuotaTarget, usage: DayUsage, now: number): MaybePromise<void>;
  /** Mark a key unusable (for every process sharing the store). */
  disableKey(keyName: string, reason: string): MaybePromise<void>;
  /**
   * Why a key was disabled, or `undefined` while it is usable. Synchronous:
   * a shared store answers from a local copy it keeps up to date.
   */
  disabledReason(keyName: string): string | undefined;
}

/** A store in this process's memory: every answer is immediate. */
export interface LocalBudgetStore extends BudgetStore {
  readonly answersAtOnce: true;
  acquireFirst(targets: readonly QuotaTarget[], tokens: number, now: number): FirstAdmission;
  tryAcquire(target: QuotaTarget, tokens: number, now: number): Admission;
  reconcile(ticket: Ticket, actualTokens: number, now: number): void;
  hold(target: QuotaTarget, hold: Hold): void;
  holdOf(target: QuotaTarget, now: number): Hold | undefined;
  usageOn(target: QuotaTarget, now: number): DayUsage;
  seedDay(target: QuotaTarget, usage: DayUsage, now: number): void;
  disableKey(keyName: string, reason: string): void;
}
