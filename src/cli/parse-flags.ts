import type { Limits, WindowLimit } from '../budget/index.js';
import { UsageError } from './errors.js';

const UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The error for a flag whose value cannot be read: names the flag, what it takes, an example and the value. */
export function badFlag(
  flag: string,
  expected: string,
  example: string,
  received: string,
): UsageError {
  return new UsageError(
    `Invalid value for ${flag}: expected ${expected} (e.g. ${flag} ${example}), received ${JSON.stringify(received)}.`,
    { flag },
  );
}

/**
 * Reads a duration such as `500ms`, `2s`, `1.5s`, `1m`, `2h` or `1d` into
 * milliseconds. A bare number is milliseconds. Must be more than 0 unless
 * `allowZero`.
 *
 * @throws {@link UsageError} naming `flag`.
 */
export function parseDuration(flag: string, value: string, allowZero = false): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?$/.exec(value.trim());
  const expected = `a duration such as 500ms, 2s, 1m or 1h${allowZero ? ' (0 allowed)' : ''}`;
  if (match === null) throw badFlag(flag, expected, '2s', value);
  const ms = Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] ?? 1));
  if (!Number.isSafeInteger(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw badFlag(flag, expected, '2s', value);
  }
  return ms;
}

/**
 * Reads a whole number of at least `min` (default 1). Underscores and commas
 * are allowed as digit separators (`1_000_000`).
 *
 * @throws {@link UsageError} naming `flag`.
 */
export function parseCount(flag: string, value: string, example = '15', min = 1): number {
  const cleaned = value.trim().replace(/[_,]/g, '');
  const n = /^\d+$/.test(cleaned) ? Number(cleaned) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw badFlag(flag, `a whole number of at least ${min}`, example, value);
  }
  return n;
}

/**
 * Reads one `--limit` value: `<count>/<duration>` for requests per window
 * (`10/2s`), or `<count>tokens/<duration>` for input tokens per window
 * (`50000tokens/1m`).
 *
 * @throws {@link UsageError} naming `--limit`.
 */
export function parseLimit(value: string): WindowLimit {
  const expected = '<count>/<duration> (requests) or <count>tokens/<duration>';
  const match = /^\s*([\d_,]+)\s*(tokens?|tok|t|requests?|req|r)?\s*\/\s*(.+)$/.exec(value);
  if (match === null) throw badFlag('--limit', expected, '10/2s', value);
  const count = parseCount('--limit', match[1] ?? '', '10/2s');
  const per = parseDuration('--limit', match[3] ?? '');
  const tokens = match[2]?.startsWith('t') === true;
  return tokens ? { tokens: count, per } : { requests: count, per };
}

/** The limit flags of `keyrelay run`, as commander hands them over (strings). */
export interface LimitFlags {
  readonly rpm?: string | undefined;
  readonly tpm?: string | undefined;
  readonly rpd?: string | undefined;
  readonly limit?: readonly string[] | undefined;
}

/**
 * Builds the per-quota-group {@link Limits} from `--rpm`, `--tpm`, `--rpd` and
 * every `--limit`. Flags not given do not bind; with none at all every window
 * is unlimited (pass your tier's values: the free tier of gemini-2.0-flash is
 * `--rpm 15 --tpm 1000000 --rpd 1500`).
 *
 * @throws {@link UsageError} naming the flag at fault.
 */
export function limitsFromFlags(flags: LimitFlags): Limits {
  const windows = (flags.limit ?? []).map(parseLimit);
  return {
    ...(flags.rpm === undefined ? {} : { requestsPerMinute: parseCount('--rpm', flags.rpm, '15') }),
    ...(flags.tpm === undefined
      ? {}
      : { tokensPerMinute: parseCount('--tpm', flags.tpm, '1000000') }),
    ...(flags.rpd === undefined ? {} : { requestsPerDay: parseCount('--rpd', flags.rpd, '1500') }),
    ...(windows.length === 0 ? {} : { windows }),
  };
}

/** True when no limit binds at all. */
export function isUnlimited(limits: Limits): boolean {
  return (
    limits.requestsPerMinute === undefined &&
    limits.tokensPerMinute === undefined &&
    limits.requestsPerDay === undefined &&
    (limits.windows ?? []).length === 0
  );
}

/** Commander's collector for a repeatable flag: appends each value. */
export function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
