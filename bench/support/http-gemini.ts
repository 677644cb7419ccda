import { Agent, request } from 'node:http';

/** One keep-alive agent for every contender: the same transport for all. */
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** A non-2xx answer: `status`, and the JSON body as `message` (as `@google/genai`'s `ApiError` has it). */
export class GeminiHttpError extends Error {
  override readonly name = 'GeminiHttpError';
  readonly status: number;
  constructor(status: number, body: string) {
    super(body);
    this.status = status;
  }
}

/** The part of a generateContent answer the benchmarks read. */
export interface GenerateAnswer {
  readonly usageMetadata?: {
    readonly promptTokenCount?: number;
    readonly candidatesTokenCount?: number;
  };
}

/**
 * `POST {baseUrl}/v1beta/models/{model}:{method}` of a one-prompt body with the
 * key in `x-goog-api-key`, over node:http with the keep-alive agent (Node 20's
 * undici `fetch` costs milliseconds per request on loopback). Resolves with the
 * status and the body text.
 */
function post(
  baseUrl: string,
  key: string,
  model: string,
  method: 'generateContent' | 'countTokens',
  prompt: string,
  signal?: AbortSignal,
): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: prompt }] }] });
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}/v1beta/models/${model}:${method}`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          'x-goog-api-key': key,
        },
        ...(signal === undefined ? {} : { signal }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * `generateContent` of one prompt. Resolves with the parsed answer on 2xx;
 * rejects with {@link GeminiHttpError} otherwise.
 */
export async function generateContent(
  baseUrl: string,
  key: string,
  model: string,
  prompt: string,
  signal?: AbortSignal,
): Promise<GenerateAnswer> {
  const { status, body } = await post(baseUrl, key, model, 'generateContent', prompt, signal);
  if (status < 200 || status >= 300) throw new GeminiHttpError(status, body);
  return JSON.parse(body) as GenerateAnswer;
}

/**
 * Opens `sockets` keep-alive connections (and warms the HTTP path) with
 * `countTokens` calls, which the server answers without counting quota, so
 * that the measured run does not start with cold connections.
 */
export async function warmUp(
  baseUrl: string,
  key: string,
  model: string,
  sockets: number,
): Promise<void> {
  const one = async (): Promise<void> => {
    await post(baseUrl, key, model, 'countTokens', 'warm');
  };
  for (let round = 0; round < 3; round++) await Promise.all(Array.from({ length: sockets }, one));
}

/** Closes the agent's idle sockets so that a child can exit. */
export function closeAgent(): void {
  agent.destroy();
}
