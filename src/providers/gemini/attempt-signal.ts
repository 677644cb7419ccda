import { GeminiTimeoutError } from './errors.js';

/**
 * Runs one attempt with its own signal, aborted when `outer` aborts (with an
 * `AbortError`) or after `timeoutMs` (with a {@link GeminiTimeoutError}). A
 * failure after the time-out is rethrown as a `GeminiTimeoutError` whatever
 * the SDK made of the abort. The timer is cleared when the attempt settles.
 */
export async function withAttemptSignal<T>(
  outer: AbortSignal,
  timeoutMs: number | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(abortError());
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort(new GeminiTimeoutError(timeoutMs));
        }, timeoutMs);
  timer?.unref?.();
  try {
    return await run(controller.signal);
  } catch (error) {
    if (timedOut && timeoutMs !== undefined && !(error instanceof GeminiTimeoutError)) {
      if (error instanceof Error && error.name === 'GeminiStreamInterruptedError') throw error;
      throw new GeminiTimeoutError(timeoutMs, { cause: error });
    }
    throw error;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    outer.removeEventListener('abort', onAbort);
  }
}

/**
 * Settles like `promise`, or rejects with `signal.reason` as soon as `signal`
 * aborts, whichever comes first, so that an abort is prompt even when the SDK
 * is slow to notice it. A later rejection of `promise` is ignored.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(reasonOf(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Throws the signal's reason (an `AbortError` unless it is an `Error`) when it is aborted. */
export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw reasonOf(signal);
}

/** A `DOMException` named `AbortError`, as `fetch` throws on abort. */
export function abortError(): DOMException {
  return new DOMException('The Gemini request was aborted.', 'AbortError');
}

function reasonOf(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : abortError();
}
