import { ApiError } from '@google/genai';
import { GoogleGenerativeAIFetchError } from '@google/generative-ai';

/** Real Gemini error bodies (as Google sends them). */
const RATE_LIMITS = 'https://ai.google.dev/gemini-api/docs/rate-limits';
const QUOTA_MESSAGE =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.';

const help = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [{ description: 'Learn more about Gemini API quotas', url: RATE_LIMITS }],
};

function quotaFailure(quotaId: string, metric: string, quotaValue?: string) {
  return {
    '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
    violations: [
      {
        quotaMetric: metric,
        quotaId,
        quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
        ...(quotaValue === undefined ? {} : { quotaValue }),
      },
    ],
  };
}

const REQUESTS = 'generativelanguage.googleapis.com/generate_content_free_tier_requests';
const INPUT_TOKENS =
  'generativelanguage.googleapis.com/generate_content_free_tier_input_token_count';

export interface Body {
  error: { code: number; message: string; status: string; details?: unknown[] };
}

/** 429 per minute: QuotaFailure, Help, RetryInfo (the order Google uses). */
export const PER_MINUTE_429: Body = {
  error: {
    code: 429,
    message: QUOTA_MESSAGE,
    status: 'RESOURCE_EXHAUSTED',
    details: [
      quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', REQUESTS, '15'),
      help,
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '45.83s' },
    ],
  },
};

/** 429 per minute with the details in another order and a `{ seconds, nanos }` delay. */
export const PER_MINUTE_429_REORDERED: Body = {
  error: {
    code: 429,
    message: QUOTA_MESSAGE,
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.RetryInfo',
        retryDelay: { seconds: '1', nanos: 500_000_000 },
      },
      help,
      quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', REQUESTS),
    ],
  },
};

/** 429 per day: a short retryDelay, but a PerDay quota id. */
export const PER_DAY_429: Body = {
  error: {
    code: 429,
    message: QUOTA_MESSAGE,
    status: 'RESOURCE_EXHAUSTED',
    details: [
      help,
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '20s' },
      quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier', REQUESTS, '200'),
    ],
  },
};

/** 429 on input tokens per minute, with two violations. */
export const TPM_429: Body = {
  error: {
    code: 429,
    message: QUOTA_MESSAGE,
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: INPUT_TOKENS,
            quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-2.0-flash' },
            quotaValue: '1000000',
          },
          { quotaMetric: REQUESTS }, // no quotaId: not a crash
        ],
      },
      help,
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1.5s' },
    ],
  },
};

/** 429 without any details. */
export const BARE_429: Body = {
  error: {
    code: 429,
    message: 'Resource has been exhausted (e.g. check quota).',
    status: 'RESOURCE_EXHAUSTED',
  },
};

const INVALID_KEY_MESSAGE = 'API key not valid. Please pass a valid API key.';

/** 400 for an invalid key: ErrorInfo `API_KEY_INVALID` (after a LocalizedMessage). */
export const API_KEY_INVALID_400: Body = {
  error: {
    code: 400,
    message: INVALID_KEY_MESSAGE,
    status: 'INVALID_ARGUMENT',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: INVALID_KEY_MESSAGE,
      },
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ],
  },
};

/** A plain 400: a bad request, not a bad key. */
export const PLAIN_400: Body = {
  error: {
    code: 400,
    message: '* GenerateContentRequest.contents: contents is not specified\n',
    status: 'INVALID_ARGUMENT',
  },
};

/** 403 PERMISSION_DENIED. */
export const FORBIDDEN_403: Body = {
  error: {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    status: 'PERMISSION_DENIED',
  },
};

export const INTERNAL_500: Body = {
  error: {
    code: 500,
    message:
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    status: 'INTERNAL',
  },
};

export const OVERLOADED_503: Body = {
  error: {
    code: 503,
    message: 'The model is overloaded. Please try again later.',
    status: 'UNAVAILABLE',
  },
};

export const DEADLINE_504: Body = {
  error: {
    code: 504,
    message: 'Deadline expired before operation could complete.',
    status: 'DEADLINE_EXCEEDED',
  },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The URL the SDK names in its message (with a key in the query, to check it never leaks). */
export const URL_WITH_KEY =
  'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent?key=AIzaSyDUMMYDUMMYDUMMYDUMMYDUMMYDUMMY12';

/**
 * The error `@google/generative-ai` 0.24.1 throws for a non-OK answer, built
 * exactly as its `handleResponseNotOk` does.
 */
export function generativeAiError(
  status: number,
  body: Body | string,
): GoogleGenerativeAIFetchError {
  const statusText = STATUS_TEXT[status] ?? '';
  let message = '';
  let details: unknown[] | undefined;
  if (typeof body !== 'string') {
    message = body.error.message;
    if (body.error.details) {
      message += ` ${JSON.stringify(body.error.details)}`;
      details = body.error.details;
    }
  }
  return new GoogleGenerativeAIFetchError(
    `Error fetching from ${URL_WITH_KEY}: [${status} ${statusText}] ${message}`,
    status,
    statusText,
    details as never,
  );
}

/** The `ApiError` `@google/genai` 2.32 throws: the whole JSON body as its message. */
export function genaiError(status: number, body: Body | string): ApiError {
  return new ApiError({ status, message: typeof body === 'string' ? body : JSON.stringify(body) });
}
