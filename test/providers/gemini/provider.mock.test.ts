import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockGeminiServer, startMockGemini } from '../../../src/mock/index.js';
import {
  type GeminiSdk,
  GeminiStreamInterruptedError,
  geminiProvider,
} from '../../../src/providers/gemini/index.js';
import { callOnce, keyOf, rejectionOf } from './helpers.js';

const SECRET_1 = 'mock-secret-key-one';
const SECRET_2 = 'mock-secret-key-two';
const SECRET_DAILY = 'mock-secret-key-daily';
const good = keyOf('GEMINI_API_KEY_1', SECRET_1);
const second = keyOf('GEMINI_API_KEY_2', SECRET_2, 'project-b');
const daily = keyOf('GEMINI_API_KEY_DAILY', SECRET_DAILY, 'project-daily');
const unknown = keyOf('GEMINI_API_KEY_BAD', 'not-a-key-the-server-knows');

const MODEL = 'gemini-2.0-flash';
const MINUTE_MODEL = 'gemini-rpm-one';

let server: MockGeminiServer;
let slow: MockGeminiServer;

beforeAll(async () => {
  server = await startMockGemini({
    keys: [
      { key: SECRET_1, project: 'project-a', name: 'GEMINI_API_KEY_1' },
      { key: SECRET_2, project: 'project-b', name: 'GEMINI_API_KEY_2' },
      { key: SECRET_DAILY, project: 'project-daily', name: 'GEMINI_API_KEY_DAILY' },
    ],
    limits: {
      '*': {},
      // One request per 60 s "minute": the second one in a row is a real per-minute 429.
      [MINUTE_MODEL]: { rpm: 1, windowMs: 60_000 },
    },
  });
  slow = await startMockGemini({
    keys: [{ key: SECRET_1, project: 'project-a', name: 'GEMINI_API_KEY_1' }],
    latencyMs: 5_000,
  });
});

afterAll(async () => {
  await Promise.all([server?.close(), slow?.close()]);
});

function lastLog() {
  return server.log[server.log.length - 1];
}

describe.each<GeminiSdk>(['generative-ai', 'genai'])(
  'geminiProvider({ sdk: %s }) against the local server',
  (sdk) => {
    const provider = () => geminiProvider({ sdk, baseUrl: server.url });

    it('answers a prompt: text, usage, finish reason', async () => {
      const spec = provider();
      const response = await callOnce(spec, good, { prompt: 'Hello from keyrelay' });
      expect(response.text).toBe('Echo: Hello from keyrelay');
      expect(response.usage.inputTokens).toBeGreaterThan(0);
      expect(response.usage.outputTokens).toBeGreaterThan(0);
      expect(response.usage.totalTokens).toBe(
        response.usage.inputTokens + response.usage.outputTokens,
      );
      expect(response.finishReason).toBe('STOP');
      expect(response.modelVersion).toBe(MODEL);
      expect(spec.readUsage?.(response)).toEqual({
        inputTokens: response.usage.inputTokens,
        outputTokens: response.usage.outputTokens,
      });
      expect(lastLog()).toMatchObject({
        key: 'GEMINI_API_KEY_1',
        model: MODEL,
        method: 'generateContent',
        outcome: 'ok',
      });
    });

    it('sends a full request body and the request model', async () => {
      const spec = provider();
      const request = {
        model: 'gemini-2.5-flash',
        request: {
          contents: [
            { role: 'user', parts: [{ text: 'first turn' }] },
            { role: 'model', parts: [{ text: 'ok' }] },
            { role: 'user', parts: [{ text: 'second turn' }] },
          ],
          systemInstruction: 'Be brief.',
          generationConfig: { temperature: 0, maxOutputTokens: 64 },
        },
      };
      const response = await callOnce(spec, second, request);
      expect(response.text).toBe('Echo: second turn');
      expect(lastLog()).toMatchObject({
        key: 'GEMINI_API_KEY_2',
        model: 'gemini-2.5-flash',
        outcome: 'ok',
      });
      // 'Be brief.' + 'first turn' + 'ok' + 'second turn' = 32 characters → 8 tokens.
      expect(lastLog()?.inputTokens).toBe(8);
      expect(spec.estimateTokens?.(request)).toBe(8);
    });

    it('per-minute 429 → rate_limited with retryAfterMs, not per day', async () => {
      const spec = provider();
      const key = sdk === 'genai' ? second : good; // each SDK its own project, so the window is fresh
      await callOnce(spec, key, { model: MINUTE_MODEL, prompt: 'one' });
      const error = await rejectionOf(callOnce(spec, key, { model: MINUTE_MODEL, prompt: 'two' }));
      const failure = spec.classifyError!(error);
      expect(failure).toMatchObject({
        kind: 'rate_limited',
        perDay: false,
        quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
        status: 429,
      });
      expect(failure.retryAfterMs).toBeGreaterThan(50_000);
      expect(failure.retryAfterMs).toBeLessThanOrEqual(60_000);
      expect(failure.message).not.toContain(SECRET_1);
      expect(failure.message).not.toContain(SECRET_2);
      expect(lastLog()).toMatchObject({ outcome: 'rate_limited_rpm', status: 429 });
    });

    it('per-day 429 → rate_limited with perDay true', async () => {
      const spec = provider();
      server.injectNext({ kind: 'rate_limited_rpd', retryDelayMs: 7_250 });
      const error = await rejectionOf(callOnce(spec, daily, { prompt: 'too many today' }));
      expect(spec.classifyError!(error)).toMatchObject({
        kind: 'rate_limited',
        perDay: true,
        retryAfterMs: 7_250,
        quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
      });
    });

    it('TPM 429 → rate_limited per minute', async () => {
      const spec = provider();
      server.injectNext({ kind: 'rate_limited_tpm', retryDelayMs: 1_500 });
      const error = await rejectionOf(callOnce(spec, good, { prompt: 'many tokens' }));
      expect(spec.classifyError!(error)).toMatchObject({
        kind: 'rate_limited',
        perDay: false,
        retryAfterMs: 1_500,
        quotaId: 'GenerateContentInputTokensPerModelPerMinute-FreeTier',
      });
    });

    it('an unknown key → invalid_key, and the secret appears nowhere in the failure', async () => {
      const spec = provider();
      const error = await rejectionOf(callOnce(spec, unknown, { prompt: 'hi' }));
      const failure = spec.classifyError!(error);
      expect(failure).toMatchObject({ kind: 'invalid_key', status: 400 });
      expect(JSON.stringify(failure)).not.toContain('not-a-key-the-server-knows');
      expect(lastLog()).toMatchObject({ key: 'unknown', outcome: 'invalid_key' });
    });

    it('503 overloaded and 500 → transient', async () => {
      const spec = provider();
      server.injectNext({ kind: 'overloaded' });
      const overloaded = await rejectionOf(callOnce(spec, good, { prompt: 'hi' }));
      expect(spec.classifyError!(overloaded)).toMatchObject({ kind: 'transient', status: 503 });
      expect(spec.classifyError!(overloaded).message).toContain('overloaded');
      server.injectNext({ kind: 'internal' });
      const internal = await rejectionOf(callOnce(spec, good, { prompt: 'hi' }));
      expect(spec.classifyError!(internal)).toMatchObject({ kind: 'transient', status: 500 });
    });

    it('the SDK does not retry on its own: one 503 is one request', async () => {
      const spec = provider();
      server.resetLog();
      server.injectNext({ kind: 'overloaded' });
      await rejectionOf(callOnce(spec, good, { prompt: 'once' }));
      expect(server.log.map((entry) => entry.outcome)).toEqual(['overloaded']);
    });

    it('a dropped connection → transient', async () => {
      const spec = provider();
      server.injectNext({ kind: 'dropped' });
      const error = await rejectionOf(callOnce(spec, good, { prompt: 'hi' }));
      expect(spec.classifyError!(error).kind).toBe('transient');
    });

    it('streams: chunks through onChunk, aggregated text, usage from the last chunk', async () => {
      const spec = geminiProvider({ sdk, baseUrl: server.url, stream: true });
      const chunks: string[] = [];
      const response = await callOnce(spec, good, {
        prompt: 'Stream this sentence please',
        onChunk: (text) => chunks.push(text),
      });
      expect(response.text).toBe('Echo: Stream this sentence please');
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.join('')).toBe(response.text);
      expect(response.chunks).toBe(chunks.length);
      expect(response.usage.outputTokens).toBeGreaterThan(0);
      expect(response.usage.inputTokens).toBe(Math.ceil('Stream this sentence please'.length / 4));
      expect(response.finishReason).toBe('STOP');
      expect(lastLog()).toMatchObject({ method: 'streamGenerateContent', outcome: 'ok' });
    });

    it('a stream refused before its first chunk is an ordinary failure (429 stays rate_limited)', async () => {
      const spec = geminiProvider({ sdk, baseUrl: server.url, stream: true });
      const chunks: string[] = [];
      server.injectNext({ kind: 'rate_limited_rpm', retryDelayMs: 2_000 });
      const error = await rejectionOf(
        callOnce(spec, good, { prompt: 'hi', onChunk: (text) => chunks.push(text) }),
      );
      expect(error).not.toBeInstanceOf(GeminiStreamInterruptedError);
      expect(spec.classifyError!(error)).toMatchObject({
        kind: 'rate_limited',
        retryAfterMs: 2_000,
      });
      expect(chunks).toEqual([]);
    });

    it('aborting the signal rejects promptly, classified transient', async () => {
      const spec = geminiProvider({ sdk, baseUrl: slow.url });
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 50);
      const error = await rejectionOf(callOnce(spec, good, { prompt: 'slow' }, controller.signal));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(spec.classifyError!(error).kind).toBe('transient');
    });

    it('aborting a stream before it answers rejects promptly, classified transient', async () => {
      const spec = geminiProvider({ sdk, baseUrl: slow.url, stream: true });
      const controller = new AbortController();
      const started = performance.now();
      setTimeout(() => controller.abort(), 50);
      const error = await rejectionOf(callOnce(spec, good, { prompt: 'slow' }, controller.signal));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(spec.classifyError!(error).kind).toBe('transient');
    });

    it('an already aborted signal rejects without a request', async () => {
      const spec = geminiProvider({ sdk, baseUrl: slow.url });
      slow.resetLog();
      const error = await rejectionOf(
        callOnce(spec, good, { prompt: 'never' }, AbortSignal.abort()),
      );
      expect(spec.classifyError!(error).kind).toBe('transient');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(slow.log).toHaveLength(0);
    });

    it('timeoutMs → GeminiTimeoutError, transient', async () => {
      const spec = geminiProvider({ sdk, baseUrl: slow.url, timeoutMs: 100 });
      const started = performance.now();
      const error = await rejectionOf(callOnce(spec, good, { prompt: 'slow' }));
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(error).toMatchObject({ name: 'GeminiTimeoutError', timeoutMs: 100 });
      expect(spec.classifyError!(error)).toMatchObject({ kind: 'transient' });
    });
  },
);
