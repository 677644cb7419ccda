import { ApiError, GoogleGenAI } from '@google/genai';
import {
  GoogleGenerativeAI,
  GoogleGenerativeAIAbortError,
  GoogleGenerativeAIFetchError,
} from '@google/generative-ai';
import { describe, expect, it } from 'vitest';
import type { MockGeminiServer } from '../../src/mock/index.js';
import { start } from './helpers.js';

const MODEL = 'gemini-2.0-flash';
const KEYS = [{ key: 'AIzaSy-sdk-secret', project: 'p', name: 'sdk' }];

async function limited(limits: { rpm?: number; rpd?: number }): Promise<MockGeminiServer> {
  return start({ keys: KEYS, limits });
}

function classic(server: MockGeminiServer, key = KEYS[0]!.key) {
  return new GoogleGenerativeAI(key).getGenerativeModel({ model: MODEL }, { baseUrl: server.url });
}

function genai(server: MockGeminiServer, key = KEYS[0]!.key) {
  return new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: server.url } });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('@google/generative-ai against the mock, unchanged', () => {
  it('generateContent, generateContentStream and countTokens work', async () => {
    const server = await limited({});
    const model = classic(server);
    const result = await model.generateContent('Hello from the classic SDK');
    expect(result.response.text()).toBe('Echo: Hello from the classic SDK');
    expect(result.response.usageMetadata).toMatchObject({
      promptTokenCount: 7,
      candidatesTokenCount: 8,
      totalTokenCount: 15,
    });

    const stream = await model.generateContentStream('Stream from the classic SDK please');
    const pieces: string[] = [];
    for await (const chunk of stream.stream) pieces.push(chunk.text());
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    expect(pieces.join('')).toBe('Echo: Stream from the classic SDK please');
    const aggregated = await stream.response;
    expect(aggregated.candidates?.[0]?.finishReason).toBe('STOP');
    expect(aggregated.usageMetadata?.candidatesTokenCount).toBe(10);

    expect((await model.countTokens('abcdefgh')).totalTokens).toBe(2);
    expect(server.log.map((e) => `${e.method}:${e.outcome}:${e.key}`)).toEqual([
      'generateContent:ok:sdk',
      'streamGenerateContent:ok:sdk',
      'countTokens:ok:sdk',
    ]);
  });

  it('a 429 surfaces as GoogleGenerativeAIFetchError with status and errorDetails', async () => {
    const server = await limited({ rpm: 1, rpd: 2 });
    const model = classic(server);
    await model.generateContent('one');
    const error = await caught(model.generateContent('two'));
    expect(error).toBeInstanceOf(GoogleGenerativeAIFetchError);
    const fetchError = error as GoogleGenerativeAIFetchError;
    expect(fetchError.status).toBe(429);
    const details = fetchError.errorDetails as unknown as Array<Record<string, unknown>>;
    const quota = details.find(
      (d) => d['@type'] === 'type.googleapis.com/google.rpc.QuotaFailure',
    ) as {
      violations: Array<{ quotaId: string }>;
    };
    expect(quota.violations[0]?.quotaId).toBe(
      'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
    );
    const retry = details.find((d) => d['@type'] === 'type.googleapis.com/google.rpc.RetryInfo');
    expect(retry?.retryDelay).toMatch(/^\d+(\.\d+)?s$/);
    // A 429 before the first chunk of a stream is thrown by generateContentStream itself.
    server.injectNext({ kind: 'rate_limited_rpd' });
    const streamError = (await caught(
      model.generateContentStream('three'),
    )) as GoogleGenerativeAIFetchError;
    expect(streamError.status).toBe(429);
    expect(JSON.stringify(streamError.errorDetails)).toContain('PerDay');
  });

  it('invalid key, 503 and abort surface as the SDK reports them', async () => {
    const server = await limited({});
    const invalid = (await caught(
      classic(server, 'nope').generateContent('x'),
    )) as GoogleGenerativeAIFetchError;
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.errorDetails)).toContain('API_KEY_INVALID');
    server.injectNext({ kind: 'overloaded' });
    const overloaded = (await caught(
      classic(server).generateContent('x'),
    )) as GoogleGenerativeAIFetchError;
    expect(overloaded.status).toBe(503);
    expect(overloaded.message).toContain('The model is overloaded');
    server.injectNext({ kind: 'slow' });
    const controller = new AbortController();
    const pending = caught(classic(server).generateContent('x', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    expect(await pending).toBeInstanceOf(GoogleGenerativeAIAbortError);
    // The server survives the abort and keeps answering.
    expect((await classic(server).generateContent('y')).response.text()).toBe('Echo: y');
  });
});

describe('@google/genai against the mock, unchanged', () => {
  it('models.generateContent, generateContentStream and countTokens work', async () => {
    const server = await limited({});
    const ai = genai(server);
    const result = await ai.models.generateContent({ model: MODEL, contents: 'Hello from genai' });
    expect(result.text).toBe('Echo: Hello from genai');
    expect(result.usageMetadata).toMatchObject({
      promptTokenCount: 4,
      candidatesTokenCount: 6,
      totalTokenCount: 10,
    });

    const stream = await ai.models.generateContentStream({
      model: MODEL,
      contents: 'Stream from genai please',
    });
    const pieces: string[] = [];
    let finishReason: string | undefined;
    let usage: unknown;
    for await (const chunk of stream) {
      pieces.push(chunk.text ?? '');
      finishReason = chunk.candidates?.[0]?.finishReason ?? finishReason;
      usage = chunk.usageMetadata;
    }
    expect(pieces.length).toBeGreaterThanOrEqual(2);
    expect(pieces.join('')).toBe('Echo: Stream from genai please');
    expect(finishReason).toBe('STOP');
    expect(usage).toMatchObject({ candidatesTokenCount: 8 });

    const counted = await ai.models.countTokens({ model: MODEL, contents: 'abcdefgh' });
    expect(counted.totalTokens).toBe(2);
    expect(server.log.map((e) => `${e.method}:${e.outcome}`)).toEqual([
      'generateContent:ok',
      'streamGenerateContent:ok',
      'countTokens:ok',
    ]);
  });

  it('a 429 surfaces as ApiError with status 429 and the JSON body as its message', async () => {
    const server = await limited({ rpm: 1 });
    const ai = genai(server);
    await ai.models.generateContent({ model: MODEL, contents: 'one' });
    const error = await caught(ai.models.generateContent({ model: MODEL, contents: 'two' }));
    expect(error).toBeInstanceOf(ApiError);
    const apiError = error as ApiError;
    expect(apiError.status).toBe(429);
    const body = JSON.parse(apiError.message) as {
      error: { status: string; details: Array<Record<string, unknown>> };
    };
    expect(body.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(body.error.details.map((d) => d['@type'])).toEqual([
      'type.googleapis.com/google.rpc.QuotaFailure',
      'type.googleapis.com/google.rpc.Help',
      'type.googleapis.com/google.rpc.RetryInfo',
    ]);
    // Streaming too: the 429 comes before the first chunk.
    const streamError = (await caught(
      ai.models.generateContentStream({ model: MODEL, contents: 'three' }),
    )) as ApiError;
    expect(streamError.status).toBe(429);
    // The SDK does not retry on its own when retryOptions is unset: one request each.
    expect(server.log.map((e) => e.outcome)).toEqual([
      'ok',
      'rate_limited_rpm',
      'rate_limited_rpm',
    ]);
  });

  it('invalid key and 503 surface as ApiError', async () => {
    const server = await limited({});
    const invalid = (await caught(
      genai(server, 'nope').models.generateContent({ model: MODEL, contents: 'x' }),
    )) as ApiError;
    expect(invalid.status).toBe(400);
    expect(invalid.message).toContain('API_KEY_INVALID');
    server.injectNext({ kind: 'overloaded' });
    const overloaded = (await caught(
      genai(server).models.generateContent({ model: MODEL, contents: 'x' }),
    )) as ApiError;
    expect(overloaded.status).toBe(503);
    expect(overloaded.message).toContain('UNAVAILABLE');
  });
});
