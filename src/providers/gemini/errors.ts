import { KeyrelayError } from '../../errors.js';

/**
 * A {@link GeminiRequest} that cannot be sent: neither or both of `prompt`
 * and `request`, or a `request` without `contents`. Classified `permanent`.
 */
export class InvalidGeminiRequestError extends KeyrelayError {
  override name = 'InvalidGeminiRequestError';
}

/**
 * The attempt took longer than the provider's `timeoutMs`. Classified
 * `transient` (the scheduler retries it).
 */
export class GeminiTimeoutError extends KeyrelayError {
  override name = 'GeminiTimeoutError';
  /** The time limit that was exceeded, in ms. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super(`Gemini request timed out after ${timeoutMs} ms (option \`timeoutMs\`).`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * A stream failed after at least one chunk had been delivered through
 * `onChunk`. Classified `permanent`: a retry would deliver those chunks again,
 * so the request fails instead (its `cause` is the underlying error).
 */
export class GeminiStreamInterruptedError extends KeyrelayError {
  override name = 'GeminiStreamInterruptedError';
  /** How many chunks had arrived before the failure. */
  readonly chunks: number;

  constructor(chunks: number, reason: string, options?: { cause?: unknown }) {
    super(
      `Gemini stream interrupted after ${chunks} chunk${chunks === 1 ? '' : 's'} ` +
        `(not retried, so that no chunk is delivered twice): ${reason}`,
      options,
    );
    this.chunks = chunks;
  }
}

/** True when `value` is a {@link GeminiStreamInterruptedError}. */
export function isGeminiStreamInterruptedError(
  value: unknown,
): value is GeminiStreamInterruptedError {
  return value instanceof GeminiStreamInterruptedError;
}
