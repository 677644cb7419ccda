import type { QuotaDimension } from './quota.js';

/** A Gemini-style error answer: the HTTP status and the JSON body's text. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: string;
}

const RATE_LIMITS_DOC = 'https://ai.google.dev/gemini-api/docs/rate-limits';

const QUOTA: Readonly<Record<QuotaDimension, { metric: string; quotaId: string }>> = {
  rpm: {
    metric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
    quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
  },
  rpd: {
    metric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
    quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
  },
  tpm: {
    metric: 'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count',
    quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
  },
};

function errorAnswer(
  code: number,
  status: string,
  message: string,
  details?: unknown[],
): ErrorAnswer {
  const error =
    details === undefined ? { code, message, status } : { code, message, status, details };
  return { status: code, body: JSON.stringify({ error }) };
}

/**
 * Formats a delay like Gemini's `RetryInfo.retryDelay`: seconds with up to
 * three decimals, rounded up to the millisecond, e.g. `'20s'`, `'45.83s'`.
 */
export function formatRetryDelay(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms));
  return `${whole / 1000}s`;
}

/**
 * The 429 `RESOURCE_EXHAUSTED` answer for a quota that was hit, with
 * `QuotaFailure`, `Help` and `RetryInfo` details like the real service.
 *
 * @param quotaValue - the limit, sent as a string; `undefined` leaves it out.
 */
export function quotaExceeded(
  dimension: QuotaDimension,
  model: string,
  quotaValue: number | undefined,
  retryDelayMs: number,
): ErrorAnswer {
  const { metric, quotaId } = QUOTA[dimension];
  const retryDelay = formatRetryDelay(retryDelayMs);
  const violation: Record<string, unknown> = {
    quotaMetric: metric,
    quotaId,
    quotaDimensions: { location: 'global', model },
  };
  if (quotaValue !== undefined && Number.isFinite(quotaValue))
    violation.quotaValue = String(quotaValue);
  const limitText = violation.quotaValue === undefined ? '' : `, limit: ${violation.quotaValue}`;
  const message =
    'You exceeded your current quota, please check your plan and billing details. ' +
    `For more information on this error, head to: ${RATE_LIMITS_DOC}. ` +
    'To monitor your current usage, head to: https://ai.dev/usage?tab=rate-limit. \n' +
    `* Quota exceeded for metric: ${metric}${limitText}, model: ${model}\n` +
    `Please retry in ${retryDelay}.`;
  return errorAnswer(429, 'RESOURCE_EXHAUSTED', message, [
    { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [violation] },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS_DOC }],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
  ]);
}

const INVALID_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';

/** The 400 `INVALID_ARGUMENT` answer with `ErrorInfo.reason` `API_KEY_INVALID` for an unknown key. */
export const INVALID_KEY: ErrorAnswer = errorAnswer(400, 'INVALID_ARGUMENT', INVALID_KEY_MESSAGE, [
  {
    '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
    reason: 'API_KEY_INVALID',
    domain: 'googleapis.com',
    metadata: { service: 'generativelanguage.googleapis.com' },
  },
  {
    '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
    locale: 'en-US',
    message: INVALID_KEY_MESSAGE,
  },
]);

/** The 403 `PERMISSION_DENIED` answer for a request without any key. */
export const MISSING_KEY: ErrorAnswer = errorAnswer(
  403,
  'PERMISSION_DENIED',
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
);

/** A plain 400 `INVALID_ARGUMENT` (malformed body), without `ErrorInfo`. */
export function badRequest(message: string): ErrorAnswer {
  return errorAnswer(400, 'INVALID_ARGUMENT', message);
}

/** The 404 `NOT_FOUND` answer for a path or method the server does not serve. */
export function notFound(path: string): ErrorAnswer {
  return errorAnswer(404, 'NOT_FOUND', `The requested URL ${path} was not found on this server.`);
}

/** The 503 `UNAVAILABLE` answer: the model is overloaded. */
export const OVERLOADED: ErrorAnswer = errorAnswer(
  503,
  'UNAVAILABLE',
  'The model is overloaded. Please try again later.',
);

/** The 500 `INTERNAL` answer. */
export const INTERNAL: ErrorAnswer = errorAnswer(
  500,
  'INTERNAL',
  'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
);
