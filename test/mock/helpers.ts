import { afterEach } from 'vitest';
import {
  type MockGeminiOptions,
  type MockGeminiServer,
  startMockGemini,
} from '../../src/mock/index.js';

const running = new Set<MockGeminiServer>();

afterEach(async () => {
  await Promise.all([...running].map((server) => server.close()));
  running.clear();
});

/** Starts a server that is closed after the test. */
export async function start(options: MockGeminiOptions): Promise<MockGeminiServer> {
  const server = await startMockGemini(options);
  running.add(server);
  return server;
}

/** A clock the test moves by hand. */
export function manualClock(startMs = Date.UTC(2024, 0, 15, 12)) {
  const clock = {
    ms: startMs,
    now: () => clock.ms,
    advance: (ms: number) => {
      clock.ms += ms;
    },
  };
  return clock;
}

/** A request body with one user turn of `text`. */
export function bodyOf(text: string): unknown {
  return { contents: [{ role: 'user', parts: [{ text }] }] };
}

export interface PostOptions {
  key?: string | undefined;
  method?: 'generateContent' | 'streamGenerateContent' | 'countTokens';
  model?: string;
  body?: unknown;
  rawBody?: string;
  query?: string;
  signal?: AbortSignal;
}

/** POSTs to the server with a raw `fetch`; the key goes in `x-goog-api-key` unless `key` is undefined. */
export async function post(server: MockGeminiServer, options: PostOptions = {}): Promise<Response> {
  const method = options.method ?? 'generateContent';
  const model = options.model ?? 'gemini-2.0-flash';
  const query = options.query ?? (method === 'streamGenerateContent' ? '?alt=sse' : '');
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (options.key !== undefined) headers['x-goog-api-key'] = options.key;
  const init: RequestInit = {
    method: 'POST',
    headers,
    body: options.rawBody ?? JSON.stringify(options.body ?? bodyOf('Hello')),
  };
  if (options.signal !== undefined) init.signal = options.signal;
  return fetch(`${server.url}/v1beta/models/${model}:${method}${query}`, init);
}

/** The JSON error body of a Gemini error answer. */
export interface GeminiErrorBody {
  error: {
    code: number;
    message: string;
    status: string;
    details?: Array<Record<string, unknown> & { '@type': string }>;
  };
}

/** Finds a detail of an error body by its `@type` suffix, e.g. `'google.rpc.RetryInfo'`. */
export function detail(body: GeminiErrorBody, type: string): Record<string, unknown> | undefined {
  return body.error.details?.find((d) => d['@type'] === `type.googleapis.com/${type}`);
}

/** The `RetryInfo.retryDelay` of a 429 body, in ms. */
export function retryDelayMs(body: GeminiErrorBody): number {
  const delay = detail(body, 'google.rpc.RetryInfo')?.retryDelay;
  if (typeof delay !== 'string' || !/^\d+(\.\d+)?s$/.test(delay)) {
    throw new Error(`bad retryDelay ${String(delay)}`);
  }
  return Math.round(Number.parseFloat(delay) * 1000);
}

/** The `quotaId` of the first QuotaFailure violation. */
export function quotaIdOf(body: GeminiErrorBody): string | undefined {
  const failure = detail(body, 'google.rpc.QuotaFailure') as
    | { violations: Array<{ quotaId: string }> }
    | undefined;
  return failure?.violations[0]?.quotaId;
}

/** Sends a generate request and returns its status and parsed body. */
export async function generate(
  server: MockGeminiServer,
  options: PostOptions = {},
): Promise<{ status: number; json: GeminiErrorBody & Record<string, unknown> }> {
  const response = await post(server, options);
  return {
    status: response.status,
    json: (await response.json()) as GeminiErrorBody & Record<string, unknown>,
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
