import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type GeminiSdk,
  GeminiStreamInterruptedError,
  geminiProvider,
} from '../../../src/providers/gemini/index.js';
import { callOnce, keyOf, rejectionOf } from './helpers.js';

/**
 * A server that starts an SSE stream, sends two chunks, then either drops the
 * connection (`/drop` in the model name) or hangs (`/hang`): the failures the
 * quota server does not produce mid-stream.
 */
let server: Server;
let url: string;
const key = keyOf('GEMINI_API_KEY_1', 'stream-test-secret');

function chunk(text: string): string {
  return `data: ${JSON.stringify({
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0 }],
    usageMetadata: { promptTokenCount: 3, totalTokenCount: 3 },
    modelVersion: 'gemini-2.0-flash',
  })}\r\n\r\n`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      res.write(chunk('Hello, '));
      res.write(chunk('wor'));
      if (req.url?.includes('drop')) setTimeout(() => res.socket?.destroy(), 30);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each<GeminiSdk>(['generative-ai', 'genai'])(
  'a stream that fails after its first chunk (%s)',
  (sdk) => {
    it('a dropped connection → GeminiStreamInterruptedError, permanent, chunks delivered once', async () => {
      const spec = geminiProvider({ sdk, baseUrl: url, stream: true });
      const chunks: string[] = [];
      const error = await rejectionOf(
        callOnce(spec, key, {
          model: 'model-drop',
          prompt: 'hi',
          onChunk: (text) => chunks.push(text),
        }),
      );
      expect(chunks).toEqual(['Hello, ', 'wor']);
      expect(error).toBeInstanceOf(GeminiStreamInterruptedError);
      expect(error).toMatchObject({ chunks: 2 });
      const failure = spec.classifyError!(error);
      expect(failure.kind).toBe('permanent');
      expect(failure.message).toMatch(/interrupted after 2 chunks/);
    });

    it('an abort mid-stream → rejects promptly, permanent (no retry would repeat chunks)', async () => {
      const spec = geminiProvider({ sdk, baseUrl: url, stream: true });
      const controller = new AbortController();
      const chunks: string[] = [];
      const started = performance.now();
      const pending = callOnce(
        spec,
        key,
        {
          model: 'model-hang',
          prompt: 'hi',
          onChunk: (text) => {
            chunks.push(text);
            if (chunks.length === 2) setTimeout(() => controller.abort(), 20);
          },
        },
        controller.signal,
      );
      const error = await rejectionOf(pending);
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(chunks).toEqual(['Hello, ', 'wor']);
      expect(error).toBeInstanceOf(GeminiStreamInterruptedError);
      expect(spec.classifyError!(error).kind).toBe('permanent');
    });

    it('a time-out mid-stream → interrupted, its cause the time-out', async () => {
      const spec = geminiProvider({ sdk, baseUrl: url, stream: true, timeoutMs: 150 });
      const error = await rejectionOf(callOnce(spec, key, { model: 'model-hang', prompt: 'hi' }));
      expect(error).toBeInstanceOf(GeminiStreamInterruptedError);
      expect((error as Error).cause).toMatchObject({ name: 'GeminiTimeoutError' });
      expect(spec.classifyError!(error).message).toContain('timed out after 150 ms');
    });
  },
);
