import { type BucketLog, createBucketLog, logCorrect, logRecord } from './bucket-log.js';
import { createDailyCounter, type DailyCounter, rollDay } from './daily-counter.js';
import type { BudgetEntry, BudgetRefusal, MutableEntry } from './entry.js';
import type { NormalizedLimits } from './normalize.js';
import { validateSafetyMargin } from './safety-margin.js';
import {
  createSlidingWindow,
  type SlidingWindow,
  windowAdmits,
  windowCorrect,
  windowEarliest,
  windowRecord,
} from './sliding-window.js';
import { GEMINI_QUOTA_TIME_ZONE, validateTimeZone } from './time-zone.js';

/** Options of {@link createBudget}. */
export interface BudgetOptions {
  /**
   * The IANA time zone whose calendar days the daily limit counts.
   * Default: {@link GEMINI_QUOTA_TIME_ZONE} (`'America/Los_Angeles'`).
   */
  readonly timeZone?: string;
  /**
   * Milliseconds added to every window's length, because the server counts
   * arrival times and transit varies. Default: `Math.min(1000, Math.ceil(per / 50))`
   * per window (1 s for a minute). `0` makes the windows exact.
   */
  readonly safetyMarginMs?: number;
}

/**
 * The budget of one quota target (a quota group and a model): its sliding
 * windows over one shared dispatch log, and its daily counter. Plain data;
 * {@link tryTake}, {@link earliestTake} and {@link reconcileTake} are the
 * functions over it, and time only comes in as their `now` argument.
 */
export interface Budget {
  /** Every window's state (requests, tokens or both). */
  readonly windows: readonly SlidingWindow[];
  /** The dispatches the windows still count, one bucket per distinct time. */
  readonly log: BucketLog;
  /** Requests and tokens counted on the current day. */
  readonly day: DailyCounter;
  /** The latest time recorded: entries are recorded at `max(now, lastAt)` so they stay in order. */
  lastAt: number;
  /** The oldest bucket any window still counts (for the log, when its ring is full). */
  readonly oldestNeeded: () => number;
}

/**
 * A fresh budget for `limits` (from {@link normalizeLimits}).
 *
 * @throws {@link InvalidOptionError} for an unknown `timeZone` or a bad `safetyMarginMs`.
 */
export function createBudget(limits: NormalizedLimits, options: BudgetOptions = {}): Budget {
  const timeZone = validateTimeZone(options.timeZone ?? GEMINI_QUOTA_TIME_ZONE, 'timeZone');
  const margin = validateSafetyMargin(options.safetyMarginMs, 'safetyMarginMs');
  const windows = mergeSameSpan(
    limits.windows.map((w) => createSlidingWindow(w, w.marginMs ?? margin)),
  );
  const log = createBucketLog();
  return {
    windows,
    log,
    day: createDailyCounter(timeZone, limits.requestsPerDay),
    lastAt: Number.NEGATIVE_INFINITY,
    oldestNeeded: () => {
      let oldest = log.next;
      for (const w of windows) if (w.head < oldest) oldest = w.head;
      return oldest;
    },
  };
}

/**
 * Windows of the same span become one that checks both limits (the lower of
 * each): `requestsPerMinute` and `tokensPerMinute` are two windows of one
 * minute, and one window evicts and counts once per request instead of twice.
 * A request fits both windows exactly when it fits the merged one, and the
 * earliest time it fits is the later of the two.
 */
function mergeSameSpan(windows: readonly SlidingWindow[]): SlidingWindow[] {
  const merged: SlidingWindow[] = [];
  for (const w of windows) {
    const index = merged.findIndex((other) => other.span === w.span);
    if (index < 0) {
      merged.push(w);
      continue;
    }
    const other = merged[index]!;
    // The same literal as createSlidingWindow's, so every window has one shape.
    merged[index] = {
      requestLimit: Math.min(other.requestLimit, w.requestLimit),
      tokenLimit: Math.min(other.tokenLimit, w.tokenLimit),
      span: other.span,
      head: 0,
      requests: 0,
      tokens: 0,
    };
  }
  return merged;
}

/**
 * Take budget for one request of `tokens` estimated input tokens at `now`, or
 * say when it could go.
 *
 * On success the request is counted in every window and in the day, and the
 * returned {@link BudgetEntry} is what to give {@link reconcileTake} once the
 * real token count is known. The admitted path allocates only that entry
 * (plus, amortized, log growth) and calls `Intl` only when the day rolls over.
 *
 * `now` should not decrease between calls on one budget (a scheduler's
 * clock does not); an earlier `now` is checked as given but recorded at the
 * latest time seen, which errs on the safe side.
 *
 * @param tokens - Estimated input tokens, a finite number `>= 0`.
 * @param now - ms since the epoch.
 */
export function tryTake(budget: Budget, tokens: number, now: number): BudgetEntry | BudgetRefusal {
  const day = budget.day;
  if (now >= day.dayEnd) rollDay(day, now);
  const windows = budget.windows;
  const log = budget.log;
  let admitted = day.requests < day.limit;
  for (let i = 0; admitted && i < windows.length; i++) {
    admitted = windowAdmits(windows[i]!, log, tokens, now);
  }
  if (!admitted) return refuse(budget, tokens, now);
  const at = Math.max(now, budget.lastAt);
  budget.lastAt = at;
  let seq = -1;
  if (windows.length > 0) {
    seq = logRecord(log, at, tokens, budget.oldestNeeded);
    for (let i = 0; i < windows.length; i++) windowRecord(windows[i]!, tokens);
  }
  day.requests++;
  day.tokens += tokens;
  const entry: MutableEntry = { ok: true, at, tokens, seq };
  return entry;
}

/**
 * The earliest time `>= now` that every window and the day admit a request of
 * `tokens` (`Infinity` when never), without taking anything.
 */
export function earliestTake(budget: Budget, tokens: number, now: number): number {
  const day = budget.day;
  if (now >= day.dayEnd) rollDay(day, now);
  let at = day.requests < day.limit ? now : day.dayEnd;
  for (const w of budget.windows) at = Math.max(at, windowEarliest(w, budget.log, tokens, now));
  return at;
}

function refuse(budget: Budget, tokens: number, now: number): BudgetRefusal {
  const day = budget.day;
  const daily = day.requests >= day.limit;
  let retryAt = daily ? day.dayEnd : now;
  for (const w of budget.windows) {
    const free = windowEarliest(w, budget.log, tokens, now);
    if (free === Number.POSITIVE_INFINITY) {
      return { ok: false, retryAt: Number.POSITIVE_INFINITY, reason: 'never' };
    }
    retryAt = Math.max(retryAt, free);
  }
  return { ok: false, retryAt, reason: daily ? 'daily' : 'window' };
}

/**
 * Correct an admitted request's token count once the real count is known:
 * every window that still counts the request, and the day it was counted on
 * (if that is still the current day), move by the difference. Calling it
 * again with another count corrects again.
 *
 * @param actualTokens - The real input token count; a negative or non-finite value is ignored.
 */
export function reconcileTake(budget: Budget, entry: BudgetEntry, actualTokens: number): void {
  if (!(actualTokens >= 0) || actualTokens === Number.POSITIVE_INFINITY) return;
  const e = entry as MutableEntry;
  const delta = actualTokens - e.tokens;
  if (delta === 0) return;
  if (logCorrect(budget.log, e.seq, delta)) {
    for (const w of budget.windows) windowCorrect(w, e.seq, delta);
  }
  const day = budget.day;
  if (e.at >= day.dayStart && e.at < day.dayEnd) day.tokens += delta;
  e.tokens = actualTokens;
}
