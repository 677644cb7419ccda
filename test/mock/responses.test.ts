import { describe, expect, it } from 'vitest';
import { bodyOf, generate, manualClock, post, start } from './helpers.js';

const KEYS = [{ key: 'AIzaSy-secret-two', project: 'proj', name: 'main' }];
const key = KEYS[0]!.key;

interface Chunk {
  candidates: Array<{
    content: { parts: Array<{ text: string }>; role: string };
    finishReason?: string;
  }>;
  usageMetadata: {
    promptTokenCount: number;
    candidatesTokenCount?: number;
    totalTokenCount: number;
  };
  modelVersion: string;
  responseId: string;
}

describe('answers', () => {
  it('generateContent answers a deterministic echo with usage', async () => {
    const server = await start({ keys: KEYS });
    const prompt = 'Tell me about the weather in a city that is far away from here, please.';
    const { status, json } = await generate(server, { key, body: bodyOf(prompt) });
    expect(status).toBe(200);
    const answer = json as unknown as Chunk;
    const text = `Echo: ${prompt.slice(0, 60)}`;
    expect(answer.candidates[0]?.content).toEqual({ parts: [{ text }], role: 'model' });
    expect(answer.candidates[0]?.finishReason).toBe('STOP');
    const input = Math.ceil(prompt.length / 4);
    const output = Math.ceil(text.length / 4);
    expect(answer.usageMetadata).toMatchObject({
      promptTokenCount: input,
      candidatesTokenCount: output,
      totalTokenCount: input + output,
    });
    expect(answer.modelVersion).toBe('gemini-2.0-flash');
    expect(typeof answer.responseId).toBe('string');
    expect(server.log[0]).toMatchObject({
      inputTokens: input,
      outputTokens: output,
      outcome: 'ok',
    });
  });

  it('streams SSE events `data: <one-line JSON>\\r\\n\\r\\n`; only the last has finishReason and full usage', async () => {
    const server = await start({ keys: KEYS });
    const prompt = 'Stream me a story about a lighthouse keeper';
    const response = await post(server, {
      key,
      method: 'streamGenerateContent',
      body: bodyOf(prompt),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const raw = await response.text();
    expect(raw.endsWith('\r\n\r\n')).toBe(true);
    const events = raw.split('\r\n\r\n').slice(0, -1);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.length).toBeLessThanOrEqual(3);
    const chunks = events.map((event) => {
      expect(event.startsWith('data: ')).toBe(true);
      expect(event).not.toMatch(/[\r\n]/);
      return JSON.parse(event.slice('data: '.length)) as Chunk;
    });
    const text = chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join('');
    expect(text).toBe(`Echo: ${prompt}`);
    const last = chunks.at(-1)!;
    expect(last.candidates[0]?.finishReason).toBe('STOP');
    expect(last.usageMetadata.candidatesTokenCount).toBe(Math.ceil(text.length / 4));
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.candidates[0]?.finishReason).toBeUndefined();
      expect(chunk.usageMetadata.candidatesTokenCount).toBeUndefined();
    }
    expect(server.log[0]).toMatchObject({ method: 'streamGenerateContent', outcome: 'ok' });
  });

  it('streams one JSON array without alt=sse', async () => {
    const server = await start({ keys: KEYS });
    const response = await post(server, { key, method: 'streamGenerateContent', query: '' });
    expect(response.status).toBe(200);
    const chunks = (await response.json()) as Chunk[];
    expect(chunks.map((c) => c.candidates[0]?.content.parts[0]?.text).join('')).toBe('Echo: Hello');
  });

  it('an error on a stream request is a JSON answer, not an event', async () => {
    const server = await start({ keys: KEYS, limits: { rpm: 1 } });
    await post(server, { key, method: 'streamGenerateContent' }).then((r) => r.text());
    const response = await post(server, { key, method: 'streamGenerateContent' });
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(server.log[1]?.outcome).toBe('rate_limited_rpm');
  });

  it('countTokens answers totalTokens, needs a valid key and does not count toward quota', async () => {
    const clock = manualClock();
    const server = await start({ keys: KEYS, limits: { rpm: 1, tpm: 5 }, now: clock.now });
    for (let i = 0; i < 3; i++) {
      const { status, json } = await generate(server, {
        key,
        method: 'countTokens',
        body: bodyOf('x'.repeat(17)),
      });
      expect(status).toBe(200);
      expect(json.totalTokens).toBe(5);
    }
    // The SDK's other form: { generateContentRequest: { model, contents } }.
    const wrapped = await generate(server, {
      key,
      method: 'countTokens',
      body: {
        generateContentRequest: { model: 'models/gemini-2.0-flash', ...(bodyOf('abcd') as object) },
      },
    });
    expect(wrapped.json.totalTokens).toBe(1);
    expect((await generate(server, { key: 'nope', method: 'countTokens' })).status).toBe(400);
    expect((await generate(server, { key, body: bodyOf('x'.repeat(20)) })).status).toBe(200);
    expect(server.log.map((e) => `${e.method}:${e.outcome}`)).toEqual([
      'countTokens:ok',
      'countTokens:ok',
      'countTokens:ok',
      'countTokens:ok',
      'countTokens:invalid_key',
      'generateContent:ok',
    ]);
  });
});

describe('the log', () => {
  it('records every request with name, project, model, method, outcome, status and tokens, never the secret', async () => {
    const clock = manualClock();
    const server = await start({
      keys: [...KEYS, { key: 'AIzaSy-secret-three', project: 'proj2' }],
      limits: { rpm: 1 },
      now: clock.now,
    });
    await generate(server, { key, body: bodyOf('abcdefgh') });
    clock.advance(5);
    await generate(server, { key });
    await generate(server, { key: 'AIzaSy-secret-three', model: 'gemini-1.5-pro' });
    await generate(server, { key: 'AIzaSy-secret-unknown' });
    await generate(server, { query: `?key=${key}`, rawBody: '{' });
    expect(server.log).toEqual([
      {
        at: clock.ms - 5,
        key: 'main',
        project: 'proj',
        model: 'gemini-2.0-flash',
        method: 'generateContent',
        outcome: 'ok',
        status: 200,
        inputTokens: 2,
        outputTokens: 4,
      },
      expect.objectContaining({
        at: clock.ms,
        key: 'main',
        outcome: 'rate_limited_rpm',
        status: 429,
        outputTokens: 0,
      }),
      expect.objectContaining({
        key: 'key-1',
        project: 'proj2',
        model: 'gemini-1.5-pro',
        outcome: 'ok',
      }),
      expect.objectContaining({
        key: 'unknown',
        project: undefined,
        outcome: 'invalid_key',
        status: 400,
      }),
      expect.objectContaining({ key: 'main', outcome: 'bad_request', status: 400 }),
    ]);
    expect(JSON.stringify(server.log)).not.toMatch(/secret/);
    server.resetLog();
    expect(server.log).toEqual([]);
  });
});
