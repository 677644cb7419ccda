import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../../src/errors.js';
import { clientPerKey } from '../../../src/providers/gemini/client-cache.js';
import {
  DEFAULT_GEMINI_MODEL,
  estimateGeminiTokens,
  geminiProvider,
  InvalidGeminiRequestError,
  readGeminiUsage,
  usageFromMetadata,
} from '../../../src/providers/gemini/index.js';
import { requestBodyOf } from '../../../src/providers/gemini/request-body.js';
import { responseOf } from '../../../src/providers/gemini/response.js';
import { callOnce, keyOf, rejectionOf } from './helpers.js';

describe('geminiProvider options', () => {
  it('applies defaults and exposes the spec', () => {
    const spec = geminiProvider();
    expect(DEFAULT_GEMINI_MODEL).toBe('gemini-2.0-flash');
    expect(spec.modelOf?.({ prompt: 'x' })).toBe('gemini-2.0-flash');
    expect(spec.modelOf?.({ prompt: 'x', model: 'gemini-2.5-pro' })).toBe('gemini-2.5-pro');
    expect(geminiProvider({ model: 'gemini-2.5-flash' }).modelOf?.({ prompt: 'x' })).toBe(
      'gemini-2.5-flash',
    );
    expect(typeof spec.classifyError).toBe('function');
    expect(typeof spec.readUsage).toBe('function');
    expect(typeof spec.estimateTokens).toBe('function');
  });

  it.each([
    [{ sdk: 'openai' }, 'sdk'],
    [{ baseUrl: 'not a url' }, 'baseUrl'],
    [{ baseUrl: 'ftp://host' }, 'baseUrl'],
    [{ model: '' }, 'model'],
    [{ model: 3 }, 'model'],
    [{ stream: 'yes' }, 'stream'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: Number.POSITIVE_INFINITY }, 'timeoutMs'],
  ])('rejects %j naming `%s`', (options, option) => {
    let error: unknown;
    try {
      geminiProvider(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option });
    expect((error as Error).message).toContain(`\`${option}\``);
  });

  it('accepts a base URL with a trailing slash', () => {
    expect(() => geminiProvider({ baseUrl: 'http://127.0.0.1:9/' })).not.toThrow();
  });
});

describe('requests', () => {
  it('turns a prompt into one user message and passes a body as is', () => {
    expect(requestBodyOf({ prompt: 'hi' })).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
    });
    const body = { contents: [{ parts: [{ text: 'x' }] }] };
    expect(requestBodyOf({ request: body })).toBe(body);
  });

  it.each([
    [{}, /neither/],
    [{ prompt: 'a', request: { contents: [{ parts: [] }] } }, /both/],
    [{ request: { contents: [] } }, /contents/],
    [{ prompt: 5 }, /string/],
  ])('rejects %j', (request, message) => {
    expect(() => requestBodyOf(request as never)).toThrow(InvalidGeminiRequestError);
    expect(() => requestBodyOf(request as never)).toThrow(message);
  });

  it('call rejects an invalid request before any network, classified permanent', async () => {
    const spec = geminiProvider({ baseUrl: 'http://127.0.0.1:9' });
    const error = await rejectionOf(callOnce(spec, keyOf('K', 's'), {}));
    expect(error).toBeInstanceOf(InvalidGeminiRequestError);
    expect(spec.classifyError?.(error).kind).toBe('permanent');
  });

  it('estimates tokens as characters / 4, at least 1', () => {
    expect(estimateGeminiTokens({ prompt: 'Hello world!' })).toBe(3);
    expect(estimateGeminiTokens({ prompt: '' })).toBe(1);
    expect(estimateGeminiTokens({})).toBe(1);
    expect(
      estimateGeminiTokens({
        request: {
          systemInstruction: { parts: [{ text: '12345678' }] },
          contents: [
            {
              role: 'user',
              parts: [{ text: '1234' }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
            },
            { role: 'model', parts: [{ text: '12345' }] },
          ],
        },
      }),
    ).toBe(5);
    expect(
      estimateGeminiTokens({
        request: { systemInstruction: 'abcd', contents: [{ parts: [{ text: 'abcd' }] }] },
      }),
    ).toBe(2);
  });
});

describe('responses and usage', () => {
  it('reads usageMetadata; missing fields are 0', () => {
    expect(
      usageFromMetadata({ promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 20 }),
    ).toEqual({ inputTokens: 10, outputTokens: 5, totalTokens: 20 });
    expect(usageFromMetadata({ promptTokenCount: 7 })).toEqual({
      inputTokens: 7,
      outputTokens: 0,
      totalTokens: 0,
    });
    expect(usageFromMetadata(undefined)).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    });
    expect(usageFromMetadata({ promptTokenCount: 'x', candidatesTokenCount: -1 })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    });
  });

  it('readUsage gives input and output tokens', () => {
    expect(
      readGeminiUsage({ text: '', usage: { inputTokens: 4, outputTokens: 2, totalTokens: 9 } }),
    ).toEqual({ inputTokens: 4, outputTokens: 2 });
  });

  it('joins text parts of the first candidate, leaving thoughts out', () => {
    const response = responseOf({
      candidates: [
        {
          content: {
            parts: [{ text: 'thinking…', thought: true }, { text: 'Hello' }, { text: ' there' }],
          },
          finishReason: 'MAX_TOKENS',
        },
        { content: { parts: [{ text: 'second candidate' }] } },
      ],
      usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 3, totalTokenCount: 9 },
      modelVersion: 'gemini-2.5-flash',
    });
    expect(response).toEqual({
      text: 'Hello there',
      usage: { inputTokens: 2, outputTokens: 3, totalTokens: 9 },
      finishReason: 'MAX_TOKENS',
      modelVersion: 'gemini-2.5-flash',
    });
  });

  it('a blocked prompt: empty text, the block reason as finishReason', () => {
    expect(responseOf({ promptFeedback: { blockReason: 'SAFETY' } })).toEqual({
      text: '',
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
      finishReason: 'SAFETY',
    });
  });
});

describe('clientPerKey', () => {
  it('builds one client per key name and rebuilds when the secret changes', () => {
    let built = 0;
    const clientFor = clientPerKey((key) => ({ id: ++built, name: key.name }));
    const a = keyOf('A', 'secret-a');
    expect(clientFor(a)).toBe(clientFor(a));
    expect(clientFor(keyOf('A', 'secret-a'))).toBe(clientFor(a));
    expect(clientFor(keyOf('B', 'secret-b')).id).toBe(2);
    expect(clientFor(keyOf('A', 'rotated')).id).toBe(3);
    expect(built).toBe(3);
  });
});
