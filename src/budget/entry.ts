/**
 * One admitted request as the budget recorded it: the proof of admission that
 * {@link tryTake} returns, and what {@link reconcileTake} corrects once the
 * real token count is known; the correction reaches every window that
 * still counts the request.
 */
export interface BudgetEntry {
  /** Always `true`: tells an entry from a {@link BudgetRefusal}. */
  readonly ok: true;
  /** When the request was recorded (ms since the epoch). */
  readonly at: number;
  /** Input tokens counted for the request: the estimate, then the real count after reconciling. */
  readonly tokens: number;
}

/** A refusal from {@link tryTake}: when the same request could go, and what binds. */
export interface BudgetRefusal {
  /** Always `false`: tells a refusal from a {@link BudgetEntry}. */
  readonly ok: false;
  /**
   * The earliest moment (ms since the epoch, `>= now`) every window and the
   * day admit the same request, if nothing else is taken meanwhile; `Infinity` when never.
   */
  readonly retryAt: number;
  /**
   * What binds: `'window'` a sliding window, `'daily'` the day's request
   * limit, `'never'` a request larger than a window's token limit.
   */
  readonly reason: 'window' | 'daily' | 'never';
}

/** The internal, mutable view of a {@link BudgetEntry}. */
export interface MutableEntry {
  readonly ok: true;
  readonly at: number;
  tokens: number;
  /** The sequence number of the entry's bucket in the budget's log; `-1` when nothing is logged. */
  readonly seq: number;
}
