import {
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIFetchError,
  GoogleGenerativeAIRequestInputError,
} from '@google/generative-ai';
import { isAbortError, isNetworkError } from '../../schedule/classify-generic.js';
import type { AttemptFailure } from '../../schedule/failure.js';
import {
  asDetails,
  type ErrorDetail,
  errorInfoReasonsOf,
  type GeminiErrorBody,
  isPerDayQuotaId,
  parseErrorBody,
  quotaIdsOf,
  retryDelayMsOf,
} from './error-details.js';
import {
  GeminiStreamInterruptedError,
  GeminiTimeoutError,
  InvalidGeminiRequestError,
} from './errors.js';
import { secretFree } from './secret-free.js';

/**
 * The Gemini provider's `classifyError`, for errors of both SDKs
 * (`GoogleGenerativeAIFetchError` with `status` and `errorDetails`, and
 * `@google/genai`'s `ApiError` with `status` and the JSON body as its message):
 *
 * - 429 → `rate_limited`; `perDay: true` when a `QuotaFailure` violation's
 *   `quotaId` contains `PerDay` (whatever the `retryDelay`), else per minute or
 *   per token minute; `RetryInfo.retryDelay` → `retryAfterMs`; the quota id → `quotaId`.
 * - 400 with `ErrorInfo.reason` `API_KEY_INVALID` (or another `API_KEY_…`
 *   reason), 401 and 403 → `invalid_key`.
 * - 408, 499 and 5xx → `transient`; other 4xx → `permanent`.
 * - aborts, time-outs ({@link GeminiTimeoutError}), `fetch failed` and network
 *   error codes (`ECONNRESET`, `UND_ERR_SOCKET`, …, also in `cause`) → `transient`.
 * - a stream interrupted after its first chunk ({@link GeminiStreamInterruptedError}) → `permanent`.
 * - anything else → `permanent`.
 *
 * Details are found by `@type`, never by position; a missing field is not an
 * error. Messages are one line and never contain the key, URL query strings
 * or headers. Never throws.
 */
export function classifyGeminiError(error: unknown): AttemptFailure {
  try {
    return classify(error);
  } catch {
    return { kind: 'permanent', message: 'Gemini request failed with an unreadable error.' };
  }
}

function classify(error: unknown): AttemptFailure {
  if (error instanceof GeminiStreamInterruptedError || error instanceof InvalidGeminiRequestError) {
    return { kind: 'permanent', message: secretFree(error.message) };
  }
  if (error instanceof GeminiTimeoutError) {
    return { kind: 'transient', message: secretFree(error.message) };
  }
  const status = httpStatusOf(error);
  if (status !== undefined) return classifyHttp(status, httpBodyOf(error as HttpError, status));
  if (error instanceof GoogleGenerativeAIAbortError || isAbortError(error)) {
    return { kind: 'transient', message: 'Gemini request aborted or timed out.' };
  }
  if (isNetworkError(error)) {
    return { kind: 'transient', message: `Gemini network error: ${describe(error)}` };
  }
  if (error instanceof GoogleGenerativeAIError) return classifyGenerativeAiOther(error);
  return { kind: 'permanent', message: `Gemini request failed: ${describe(error)}` };
}

interface HttpError {
  readonly status: number;
  readonly statusText?: unknown;
  readonly message?: unknown;
  readonly errorDetails?: unknown;
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600
    ? status
    : undefined;
}

/** The error body of an SDK's HTTP error, from `errorDetails` or the JSON in its message. */
function httpBodyOf(error: HttpError, status: number): GeminiErrorBody {
  const text = typeof error.message === 'string' ? error.message : '';
  const statusText = typeof error.statusText === 'string' ? error.statusText : '';
  if (error instanceof GoogleGenerativeAIFetchError || Array.isArray(error.errorDetails)) {
    // `[GoogleGenerativeAI Error]: Error fetching from <url>: [429 Too Many Requests] <message> <details JSON>`
    const details = asDetails(error.errorDetails);
    const marker = `[${status} ${statusText}] `;
    let message = text.includes(marker) ? text.slice(text.indexOf(marker) + marker.length) : '';
    if (error.errorDetails !== undefined) {
      const suffix = JSON.stringify(error.errorDetails);
      if (message.endsWith(suffix)) message = message.slice(0, -suffix.length);
    }
    return { message: message.trim() || statusText, status: statusText, details };
  }
  // @google/genai's ApiError: the message is the whole JSON body.
  const parsed = parseErrorBody(text);
  if (parsed !== undefined) return parsed;
  return { message: text || statusText, details: [] };
}

function classifyHttp(status: number, body: GeminiErrorBody): AttemptFailure {
  const head = `Gemini ${status}${body.status ? ` ${body.status}` : ''}`;
  const text = body.message ?? '';
  if (status === 429) return rateLimited(head, text, body.details);
  const summary = `${head}: ${text}`;
  const reasons = errorInfoReasonsOf(body.details);
  if (status === 401 || status === 403 || reasons.some((reason) => reason.startsWith('API_KEY_'))) {
    return { kind: 'invalid_key', message: secretFree(summary), status };
  }
  if (status === 408 || status === 499 || status >= 500) {
    return { kind: 'transient', message: secretFree(summary), status };
  }
  return { kind: 'permanent', message: secretFree(summary), status };
}

function rateLimited(head: string, text: string, details: readonly ErrorDetail[]): AttemptFailure {
  const quotaIds = quotaIdsOf(details);
  const daily = quotaIds.find(isPerDayQuotaId);
  const quotaId = daily ?? quotaIds[0];
  const retryAfterMs = retryDelayMsOf(details);
  const notes = [
    daily !== undefined ? 'per day' : 'per minute',
    ...(quotaId !== undefined ? [`quota ${quotaId}`] : []),
    ...(retryAfterMs !== undefined ? [`retry after ${retryAfterMs} ms`] : []),
  ].join(', ');
  const failure: {
    kind: 'rate_limited';
    message: string;
    status: number;
    perDay: boolean;
    retryAfterMs?: number;
    quotaId?: string;
  } = {
    kind: 'rate_limited',
    // Our notes first, so that cutting a long server message keeps them.
    message: secretFree(`${head} (${notes}): ${text}`),
    status: 429,
    perDay: daily !== undefined,
  };
  if (retryAfterMs !== undefined) failure.retryAfterMs = retryAfterMs;
  if (quotaId !== undefined) failure.quotaId = quotaId;
  return failure;
}

/** `@google/generative-ai` errors without an HTTP status. */
function classifyGenerativeAiOther(error: GoogleGenerativeAIError): AttemptFailure {
  const text = error.message;
  if (/Error fetching from|Error reading from the stream|Failed to parse stream/.test(text)) {
    // Connection refused or reset, or a stream cut short; the URL is left out.
    const reason = /Error fetching from [^:]*(?::\/\/[^\s]*)?: (.*)$/s.exec(text)?.[1];
    return {
      kind: 'transient',
      message: secretFree(
        `Gemini network error: ${reason ?? text.replace(/^\[GoogleGenerativeAI Error\]: /, '')}`,
      ),
    };
  }
  // A request the SDK refused to send, or a response it could not use (e.g. blocked).
  const kind =
    error instanceof GoogleGenerativeAIRequestInputError ? 'invalid request' : 'bad response';
  const detail = text.replace(/^\[GoogleGenerativeAI Error\]: /, '');
  return { kind: 'permanent', message: secretFree(`Gemini ${kind}: ${detail}`) };
}

/** `Name: message` of an error and of its causes' codes, one line, secret-free. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return secretFree(typeof error === 'string' ? error : `a thrown ${typeof error}`);
  }
  let text = `${error.name}: ${error.message}`;
  let cause: unknown = error.cause;
  for (let depth = 0; depth < 3 && typeof cause === 'object' && cause !== null; depth++) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    if (typeof code === 'string') text += ` (${code})`;
    else if (typeof message === 'string') text += ` (${message})`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return secretFree(text);
}
