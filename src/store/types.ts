/** Which budget a request draws on: Gemini counts quota per project (group) and model. */
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

/** Requests and input tokens counted for one quota target on one day. */
export interface DayUsage {
  readonly requests: number;
  readonly tokens: number;
}

/**
 * Where budget and key state live. The in-memory store is the default; a
 * shared store (Redis) lets several processes spend one quota.
 *
 * Every method takes `now` from the caller's clock (an RxJS scheduler), so the
 * in-memory store never reads the wall clock.
 */
export interface BudgetStore {
  /** Take budget for one request of `tokens` estimated input tokens, or say when it could go. */
  tryAcquire(target: QuotaTarget, tokens: number, now: number): Admission;
  /** Correct a reservation once the real input token count is known. */
  reconcile(ticket: Ticket, actualTokens: number, now: number): void;
  /** Hold `target` back until `hold.until` (a cooldown after a 429, or parked for the day). */
  hold(target: QuotaTarget, hold: Hold): void;
  /** The hold in force on `target` at `now`, if any. */
  holdOf(target: QuotaTarget, now: number): Hold | undefined;
  /** The usage counted for `target` on the day (in the quota's time zone) that contains `now`. */
  usageOn(target: QuotaTarget, now: number): DayUsage;
  /** Add usage from an earlier run (a report file) to the day that contains `now`. */
  seedDay(target: QuotaTarget, usage: DayUsage, now: number): void;
  /** Mark a key unusable for the rest of the run. */
  disableKey(keyName: string, reason: string): void;
  /** Why a key was disabled, or `undefined` while it is usable. */
  disabledReason(keyName: string): string | undefined;
}
