import { InvalidOptionError } from '../errors.js';

/** The most the default safety margin adds to a window: one second. */
export const MAX_DEFAULT_SAFETY_MARGIN_MS = 1_000;

/**
 * The default safety margin for a window of `per` ms: 2% of it, at most one
 * second (`Math.min(1000, Math.ceil(per / 50))`; 1 s for a minute, 40 ms for
 * two seconds).
 *
 * The server counts a request when it arrives, and transit times vary, so a
 * client that spaces dispatches exactly `per` apart still sees bursts of more
 * than the limit arrive within `per`. Each window therefore acts as if it
 * were `per + margin` long.
 */
export function defaultSafetyMargin(per: number): number {
  return Math.min(MAX_DEFAULT_SAFETY_MARGIN_MS, Math.ceil(per / 50));
}

/**
 * Validate a `safetyMarginMs` option: `undefined` (use {@link defaultSafetyMargin})
 * or a non-negative safe integer.
 *
 * @throws {@link InvalidOptionError} naming `optionPath`.
 */
export function validateSafetyMargin(
  value: unknown,
  optionPath = 'safetyMarginMs',
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(
      optionPath,
      'a non-negative safe integer of milliseconds (0 for no margin), or undefined for the default min(1000, ceil(per / 50))',
      value,
    );
  }
  return value;
}
