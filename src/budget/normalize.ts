import { InvalidOptionError } from '../errors.js';
import type { Limits } from './limits.js';
import { validateSafetyMargin } from './safety-margin.js';

/** A minute in milliseconds: the length of the RPM and TPM windows. */
export const MINUTE_MS = 60_000;

/**
 * One validated sliding window: in any span of `per` ms at most `requests`
 * requests and/or at most `tokens` input tokens (at least one is set).
 */
export interface NormalizedWindow {
  /** Most requests in any span of `per` ms; absent when requests do not bind here. */
  readonly requests?: number;
  /** Most input tokens in any span of `per` ms; absent when tokens do not bind here. */
  readonly tokens?: number;
  /** The window's length in ms (a positive safe integer). */
  readonly per: number;
  /** This window's own safety margin in ms; absent to use the budget's. */
  readonly marginMs?: number;
}

/**
 * {@link Limits} after validation: every sliding window in one flat list
 * (`requestsPerMinute` becomes `{ requests, per: 60_000 }`, `tokensPerMinute`
 * becomes `{ tokens, per: 60_000 }`, extra windows follow as given) and the
 * daily request limit.
 */
export interface NormalizedLimits {
  /** Every sliding window. Empty when none binds. */
  readonly windows: readonly NormalizedWindow[];
  /** Requests per calendar day in the quota's time zone; absent when unlimited. */
  readonly requestsPerDay?: number;
}

const POSITIVE_INTEGER = `a positive safe integer (1 to ${Number.MAX_SAFE_INTEGER})`;

/** Throw unless `value` is a positive safe integer. */
export function checkPositiveInteger(value: unknown, optionPath: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidOptionError(optionPath, POSITIVE_INTEGER, value);
  }
  return value;
}

function optionalPositive(value: unknown, optionPath: string): number | undefined {
  return value === undefined ? undefined : checkPositiveInteger(value, optionPath);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function window(
  requests: number | undefined,
  tokens: number | undefined,
  per: number,
  marginMs?: number,
) {
  const w: { requests?: number; tokens?: number; per: number; marginMs?: number } = { per };
  if (requests !== undefined) w.requests = requests;
  if (tokens !== undefined) w.tokens = tokens;
  if (marginMs !== undefined) w.marginMs = marginMs;
  return w as NormalizedWindow;
}

/**
 * Validate `limits` and flatten them into sliding windows and a daily limit.
 *
 * Every number must be a positive safe integer (0, negatives, `NaN`,
 * `Infinity` and fractions are rejected; leave a field out for "unlimited"),
 * and each extra window needs `requests` or `tokens`.
 *
 * @param optionPath - How the caller names `limits` in error messages. Default: `'limits'`.
 * @throws {@link InvalidOptionError} naming the offending option, e.g. `limits.windows[1].per`.
 */
export function normalizeLimits(limits: Limits, optionPath = 'limits'): NormalizedLimits {
  if (!isObject(limits)) {
    throw new InvalidOptionError(
      optionPath,
      'an object of limits such as { requestsPerMinute: 15 }',
      limits,
    );
  }
  const windows: NormalizedWindow[] = [];
  const rpm = optionalPositive(limits.requestsPerMinute, `${optionPath}.requestsPerMinute`);
  if (rpm !== undefined) windows.push(window(rpm, undefined, MINUTE_MS));
  const tpm = optionalPositive(limits.tokensPerMinute, `${optionPath}.tokensPerMinute`);
  if (tpm !== undefined) windows.push(window(undefined, tpm, MINUTE_MS));
  const rpd = optionalPositive(limits.requestsPerDay, `${optionPath}.requestsPerDay`);

  const extra: unknown = limits.windows;
  if (extra !== undefined) {
    if (!Array.isArray(extra)) {
      throw new InvalidOptionError(
        `${optionPath}.windows`,
        'an array of { requests or tokens, per }',
        extra,
      );
    }
    extra.forEach((w: unknown, i) => {
      const path = `${optionPath}.windows[${i}]`;
      if (!isObject(w)) {
        throw new InvalidOptionError(
          path,
          'an object { requests or tokens, per: milliseconds }',
          w,
        );
      }
      const per = checkPositiveInteger(w.per, `${path}.per`);
      const requests = optionalPositive(w.requests, `${path}.requests`);
      const tokens = optionalPositive(w.tokens, `${path}.tokens`);
      if (requests === undefined && tokens === undefined) {
        throw new InvalidOptionError(path, 'a window with `requests` or `tokens` (or both)', w);
      }
      const marginMs = validateSafetyMargin(w.marginMs, `${path}.marginMs`);
      windows.push(window(requests, tokens, per, marginMs));
    });
  }
  return rpd === undefined ? { windows } : { windows, requestsPerDay: rpd };
}
