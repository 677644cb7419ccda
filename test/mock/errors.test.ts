import { describe, expect, it } from 'vitest';
import { detail, type GeminiErrorBody, generate, post, start } from './helpers.js';

const KEYS = [{ key: 'AIzaSy-secret-one', project: 'p', name: 'GEMINI_API_KEY_1' }];

describe('key and request errors', () => {
  it('answers an unknown key with the real 400 API_KEY_INVALID body', async () => {
    const server = await start({ keys: KEYS });
    const response = await post(server, { key: 'AIzaSy-not-known' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toEqual({
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        status: 'INVALID_ARGUMENT',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
          {
            '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
            locale: 'en-US',
            message: 'API key not valid. Please pass a valid API key.',
          },
        ],
      },
    });
    expect(server.log[0]).toMatchObject({
      key: 'unknown',
      project: undefined,
      outcome: 'invalid_key',
      status: 400,
    });
  });

  it('answers a missing key with 403 PERMISSION_DENIED', async () => {
    const server = await start({ keys: KEYS });
    const { status, json } = await generate(server, {});
    expect(status).toBe(403);
    expect(json.error.code).toBe(403);
    expect(json.error.status).toBe('PERMISSION_DENIED');
    expect(json.error.message).toContain('unregistered callers');
    expect(server.log[0]).toMatchObject({ key: 'unknown', outcome: 'invalid_key', status: 403 });
  });

  it('accepts the key in the `key` query parameter', async () => {
    const server = await start({ keys: KEYS });
    const ok = await post(server, { query: `?key=${KEYS[0]!.key}` });
    expect(ok.status).toBe(200);
    const bad = await post(server, { query: '?key=nope' });
    expect(bad.status).toBe(400);
    expect(server.log.map((e) => e.key)).toEqual(['GEMINI_API_KEY_1', 'unknown']);
  });

  it('answers malformed JSON and missing contents with a plain 400 INVALID_ARGUMENT', async () => {
    const server = await start({ keys: KEYS });
    const key = KEYS[0]!.key;
    for (const options of [
      { rawBody: '{not json' },
      { body: { prompt: 'x' } },
      { body: { contents: [] } },
    ]) {
      const { status, json } = await generate(server, { key, ...options });
      expect(status).toBe(400);
      expect(json.error.status).toBe('INVALID_ARGUMENT');
      expect(detail(json, 'google.rpc.ErrorInfo')).toBeUndefined();
    }
    expect(server.log.map((e) => e.outcome)).toEqual(['bad_request', 'bad_request', 'bad_request']);
  });

  it('answers an unknown path or HTTP method with 404 NOT_FOUND, without echoing the query', async () => {
    const server = await start({ keys: KEYS });
    for (const [method, path] of [
      ['POST', `/v1beta/models/m:embedContent?key=${KEYS[0]!.key}`],
      ['GET', '/v1beta/models/m:generateContent'],
      ['POST', '/nothing'],
    ] as const) {
      const response = await fetch(
        `${server.url}${path}`,
        method === 'POST' ? { method, body: '{}' } : { method },
      );
      expect(response.status).toBe(404);
      const text = await response.text();
      expect(text).not.toContain(KEYS[0]!.key);
      expect((JSON.parse(text) as GeminiErrorBody).error.status).toBe('NOT_FOUND');
    }
    expect(server.log).toEqual([]);
  });

  it('rejects invalid options naming the option', async () => {
    await expect(start({ keys: [] })).rejects.toThrow(/`keys`/);
    await expect(start({ keys: KEYS, limits: { rpm: 0 } })).rejects.toThrow(/limits\.rpm/);
    await expect(start({ keys: KEYS, timeZone: 'Mars/Olympus' })).rejects.toThrow(/timeZone/);
    await expect(start({ keys: KEYS, faults: { dropRate: 1.5 } })).rejects.toThrow(
      /faults\.dropRate/,
    );
    await expect(start({ keys: [...KEYS, ...KEYS] })).rejects.toThrow(/keys\[1\]\.name/);
    // The message never shows a key's value.
    await expect(start({ keys: [KEYS[0]!, { ...KEYS[0]!, name: 'other' }] })).rejects.toThrow(
      /^(?!.*secret-one)/s,
    );
  });
});
