import type { AttemptFailure } from './failure.js';

/** Error codes of Node's sockets, DNS and undici that mean "the network failed". */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/**
 * The default `classifyError`, for errors of no particular provider:
 * an `AttemptFailure` thrown as is (it has a `kind`) is kept; an HTTP `status`
 * maps 429 to `rate_limited`, 401/403 to `invalid_key`, 408 and 5xx to
 * `transient`, other 4xx to `permanent`; aborts, time-outs and network errors
 * are `transient`; anything else is `permanent`.
 */
export function classifyGenericError(error: unknown): AttemptFailure {
  const message = oneLine(error);
  if (isRecord(error)) {
    if (isAttemptFailureKind(error.kind) && typeof error.message === 'string')
      return error as unknown as AttemptFailure;
    const status = typeof error.status === 'number' ? error.status : undefined;
    if (status !== undefined) {
      if (status === 429) return { kind: 'rate_limited', message, status };
      if (status === 401 || status === 403) return { kind: 'invalid_key', message, status };
      if (status === 408 || status >= 500) return { kind: 'transient', message, status };
      if (status >= 400) return { kind: 'permanent', message, status };
    }
    if (isNetworkError(error)) return { kind: 'transient', message };
  }
  return { kind: 'permanent', message };
}

/**
 * True for aborts, time-outs and network failures: a `name` of `AbortError`
 * or `TimeoutError`, a socket, DNS or undici error `code`, or `TypeError:
 * fetch failed` / `terminated` / `network error`; also when wrapped in `cause`.
 */
export function isNetworkError(error: unknown, depth = 0): boolean {
  if (!isRecord(error) || depth > 5) return false;
  if (isAbortError(error)) return true;
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return true;
  if (error instanceof TypeError && /^(fetch failed|terminated|network error)/i.test(error.message))
    return true;
  return isNetworkError(error.cause, depth + 1);
}

/** True for an error named `AbortError` or `TimeoutError` (an aborted or timed-out call). */
export function isAbortError(error: unknown): boolean {
  if (!isRecord(error)) return false;
  return error.name === 'AbortError' || error.name === 'TimeoutError';
}

function isAttemptFailureKind(value: unknown): boolean {
  return (
    value === 'rate_limited' ||
    value === 'invalid_key' ||
    value === 'transient' ||
    value === 'permanent'
  );
}

function isRecord(value: unknown): value is Record<string, unknown> & Error {
  return typeof value === 'object' && value !== null;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
