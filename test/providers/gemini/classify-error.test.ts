import {
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIError,
  GoogleGenerativeAIRequestInputError,
} from '@google/generative-ai';
import { describe, expect, it } from 'vitest';
import {
  classifyGeminiError,
  GeminiStreamInterruptedError,
  GeminiTimeoutError,
  InvalidGeminiRequestError,
} from '../../../src/providers/gemini/index.js';
import {
  API_KEY_INVALID_400,
  BARE_429,
  type Body,
  DEADLINE_504,
  FORBIDDEN_403,
  genaiError,
  generativeAiError,
  INTERNAL_500,
  OVERLOADED_503,
  PER_DAY_429,
  PER_MINUTE_429,
  PER_MINUTE_429_REORDERED,
  PLAIN_400,
  TPM_429,
} from './fixtures.js';

const sdks: [string, (status: number, body: Body | string) => unknown][] = [
  ['@google/generative-ai GoogleGenerativeAIFetchError', generativeAiError],
  ['@google/genai ApiError', genaiError],
];

function expectOneLineSecretFree(message: string): void {
  expect(message).not.toMatch(/\n/);
  expect(message).not.toContain('AIza');
  expect(message).not.toContain('key=');
  expect(message.length).toBeLessThanOrEqual(300);
}

describe.each(sdks)('classifyGeminiError over %s', (_name, errorOf) => {
  it('per-minute 429 → rate_limited with retryAfterMs from RetryInfo and the quota id', () => {
    const failure = classifyGeminiError(errorOf(429, PER_MINUTE_429));
    expect(failure).toMatchObject({
      kind: 'rate_limited',
      perDay: false,
      retryAfterMs: 45_830,
      quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
      status: 429,
    });
    expect(failure.message).toContain('You exceeded your current quota');
    expectOneLineSecretFree(failure.message);
  });

  it('finds details by @type, not position ({seconds, nanos} delay)', () => {
    expect(classifyGeminiError(errorOf(429, PER_MINUTE_429_REORDERED))).toMatchObject({
      kind: 'rate_limited',
      perDay: false,
      retryAfterMs: 1500,
      quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
    });
  });

  it('per-day 429 → perDay true despite a short retryDelay', () => {
    const failure = classifyGeminiError(errorOf(429, PER_DAY_429));
    expect(failure).toMatchObject({
      kind: 'rate_limited',
      perDay: true,
      retryAfterMs: 20_000,
      quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
    });
    expect(failure.message).toContain('per day');
  });

  it('input-tokens-per-minute 429 → rate_limited, not per day; a violation without quotaId is skipped', () => {
    expect(classifyGeminiError(errorOf(429, TPM_429))).toMatchObject({
      kind: 'rate_limited',
      perDay: false,
      retryAfterMs: 1500,
      quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
    });
  });

  it('429 without details → rate_limited per minute, no retryAfterMs or quotaId', () => {
    const failure = classifyGeminiError(errorOf(429, BARE_429));
    expect(failure).toMatchObject({ kind: 'rate_limited', perDay: false, status: 429 });
    expect(failure).not.toHaveProperty('retryAfterMs');
    expect(failure).not.toHaveProperty('quotaId');
    expect(failure.message).toContain('Resource has been exhausted');
  });

  it('400 API_KEY_INVALID → invalid_key', () => {
    const failure = classifyGeminiError(errorOf(400, API_KEY_INVALID_400));
    expect(failure).toMatchObject({ kind: 'invalid_key', status: 400 });
    expect(failure.message).toContain('API key not valid');
    expectOneLineSecretFree(failure.message);
  });

  it('plain 400 → permanent (a bad request, not a bad key), message on one line', () => {
    const failure = classifyGeminiError(errorOf(400, PLAIN_400));
    expect(failure).toMatchObject({ kind: 'permanent', status: 400 });
    expect(failure.message).toContain('contents is not specified');
    expectOneLineSecretFree(failure.message);
  });

  it('403 → invalid_key', () => {
    expect(classifyGeminiError(errorOf(403, FORBIDDEN_403))).toMatchObject({
      kind: 'invalid_key',
      status: 403,
    });
  });

  it.each([
    [500, INTERNAL_500],
    [503, OVERLOADED_503],
    [504, DEADLINE_504],
  ])('%i → transient', (status, body) => {
    const failure = classifyGeminiError(errorOf(status, body));
    expect(failure).toMatchObject({ kind: 'transient', status });
    expect(failure.message).toContain(body.error.message.slice(0, 20));
  });

  it('a body that is not JSON: classified by status, message one line', () => {
    const html = '<html>\n<head><title>502 Bad Gateway</title></head>\n</html>';
    const failure = classifyGeminiError(errorOf(502, html));
    expect(failure).toMatchObject({ kind: 'transient', status: 502 });
    expectOneLineSecretFree(failure.message);
    expect(classifyGeminiError(errorOf(429, 'Too many requests'))).toMatchObject({
      kind: 'rate_limited',
      perDay: false,
    });
    expect(classifyGeminiError(errorOf(404, 'not found'))).toMatchObject({ kind: 'permanent' });
  });

  it('malformed details do not crash', () => {
    const weird = {
      error: {
        code: 429,
        message: 'x',
        status: 'RESOURCE_EXHAUSTED',
        details: [
          null,
          'text',
          { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: 'nope' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: 'soon' },
          { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' },
        ],
      },
    } as unknown as Body;
    expect(classifyGeminiError(errorOf(429, weird))).toMatchObject({
      kind: 'rate_limited',
      perDay: false,
      retryAfterMs: 3000,
    });
  });
});

describe('classifyGeminiError, errors without a status', () => {
  it('a fetch abort (DOMException AbortError) → transient', () => {
    const failure = classifyGeminiError(
      new DOMException('This operation was aborted', 'AbortError'),
    );
    expect(failure.kind).toBe('transient');
  });

  it('a TimeoutError and GeminiTimeoutError → transient', () => {
    expect(classifyGeminiError(new DOMException('timed out', 'TimeoutError')).kind).toBe(
      'transient',
    );
    const failure = classifyGeminiError(new GeminiTimeoutError(5000));
    expect(failure).toMatchObject({ kind: 'transient' });
    expect(failure.message).toContain('5000 ms');
  });

  it("generative-ai's abort error → transient", () => {
    const error = new GoogleGenerativeAIAbortError(
      `Request aborted when fetching https://x/v1beta/models/m:generateContent?key=AIzaSECRETSECRETSECRET: This operation was aborted`,
    );
    const failure = classifyGeminiError(error);
    expect(failure.kind).toBe('transient');
    expectOneLineSecretFree(failure.message);
  });

  it('TypeError: fetch failed with a network code in cause → transient', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'ETIMEDOUT']) {
      const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
      const failure = classifyGeminiError(new TypeError('fetch failed', { cause }));
      expect(failure.kind).toBe('transient');
      expect(failure.message).toContain(code);
    }
    expect(classifyGeminiError(new TypeError('fetch failed')).kind).toBe('transient');
    expect(classifyGeminiError(new TypeError('terminated')).kind).toBe('transient');
  });

  it('a bare network error code → transient', () => {
    const error = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(classifyGeminiError(error).kind).toBe('transient');
  });

  it("generative-ai's wrapped fetch failure → transient, URL left out", () => {
    const error = new GoogleGenerativeAIError(
      `Error fetching from ${'https://h/v1beta/models/m:generateContent?key=AIzaSECRETSECRETSECRET'}: fetch failed`,
    );
    const failure = classifyGeminiError(error);
    expect(failure).toMatchObject({ kind: 'transient' });
    expect(failure.message).toContain('fetch failed');
    expect(failure.message).not.toContain('https://h');
    expectOneLineSecretFree(failure.message);
    expect(
      classifyGeminiError(new GoogleGenerativeAIError('Error reading from the stream')).kind,
    ).toBe('transient');
  });

  it('an interrupted stream → permanent, saying so', () => {
    const failure = classifyGeminiError(
      new GeminiStreamInterruptedError(3, 'Gemini network error: terminated'),
    );
    expect(failure.kind).toBe('permanent');
    expect(failure.message).toMatch(/interrupted after 3 chunks/);
  });

  it('invalid requests and anything else → permanent', () => {
    expect(classifyGeminiError(new InvalidGeminiRequestError('bad')).kind).toBe('permanent');
    expect(classifyGeminiError(new GoogleGenerativeAIRequestInputError('bad header')).kind).toBe(
      'permanent',
    );
    expect(classifyGeminiError(new RangeError('boom')).kind).toBe('permanent');
    expect(classifyGeminiError('a string').kind).toBe('permanent');
    expect(classifyGeminiError(undefined).kind).toBe('permanent');
    expect(classifyGeminiError(null).kind).toBe('permanent');
  });

  it('never leaks a key found in a message', () => {
    const failure = classifyGeminiError(
      new Error('x-goog-api-key: AIzaSyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA failed'),
    );
    expectOneLineSecretFree(failure.message);
    expect(failure.message).not.toContain('AAAAAAAAAAAA');
  });
});
