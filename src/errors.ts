/**
 * The base of every error keyrelay throws or puts in a result.
 *
 * Each failure kind has its own subclass with its own `name`, so callers can
 * tell them apart with `instanceof` or with {@link isKeyrelayError}.
 * Messages say what was wrong and how to fix it; they never contain a secret.
 */
export class KeyrelayError extends Error {
  /** The error class's name, e.g. `'NoKeysError'`. */
  override name = 'KeyrelayError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True when `value` is any error thrown by keyrelay. */
export function isKeyrelayError(value: unknown): value is KeyrelayError {
  return value instanceof KeyrelayError;
}

/**
 * An option was missing, of the wrong type or out of range. The message names
 * the option, what it expects and the value it received.
 */
export class InvalidOptionError extends KeyrelayError {
  override name = 'InvalidOptionError';
  /** The option's path, e.g. `'limits.requestsPerMinute'`. */
  readonly option: string;

  constructor(option: string, expected: string, received: unknown) {
    super(
      `Invalid option \`${option}\`: expected ${expected}, received ${describeValue(received)}.`,
    );
    this.option = option;
  }
}

/** A short, secret-free description of a value for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return value.length > 32 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null ||
    value === undefined
  )
    return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  return typeof value;
}
