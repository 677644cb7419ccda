/**
 * One sliding window: in ANY span of `per` milliseconds, at most `requests`
 * requests and at most `tokens` input tokens (either or both).
 *
 * @example `{ requests: 10, per: 2_000 }`: ten requests per two seconds.
 */
export interface WindowLimit {
  /** Most requests in any window of `per` ms. Default: no request limit. */
  readonly requests?: number;
  /** Most input tokens in any window of `per` ms. Default: no token limit. */
  readonly tokens?: number;
  /** The window's length in milliseconds (a positive integer). */
  readonly per: number;
  /**
   * The safety margin of this window in ms, instead of the pool's
   * `safetyMarginMs`. Useful for a short pacing window (e.g. `{ requests: 5,
   * per: 250, marginMs: 0 }`) next to a long one. Default: the pool's.
   */
  readonly marginMs?: number;
}

/**
 * The budget of one quota group for one model. Every field is optional;
 * what is not set does not bind.
 *
 * Gemini's free tier for `gemini-2.0-flash`, for example, is
 * `{ requestsPerMinute: 15, tokensPerMinute: 1_000_000, requestsPerDay: 1_500 }`.
 */
export interface Limits {
  /** Requests in any sliding 60 s window. Default: unlimited. */
  readonly requestsPerMinute?: number;
  /** Input tokens in any sliding 60 s window. Default: unlimited. */
  readonly tokensPerMinute?: number;
  /**
   * Requests per calendar day in the quota's time zone (Gemini resets at
   * midnight America/Los_Angeles). Default: unlimited.
   */
  readonly requestsPerDay?: number;
  /** Extra sliding windows, e.g. to compress time in tests and demos. Default: none. */
  readonly windows?: readonly WindowLimit[];
}

/**
 * Limits that apply to one model and/or one quota group. When several rules
 * match a request, the most specific wins: group and model, then model, then
 * group, then a rule with neither.
 */
export interface LimitRule extends Limits {
  /** The model this rule is for. Default: every model. */
  readonly model?: string;
  /** The quota group this rule is for. Default: every group. */
  readonly group?: string;
}
