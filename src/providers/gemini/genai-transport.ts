import type { GenerateContentConfig, GenerateContentParameters, GoogleGenAI } from '@google/genai';
import { clientPerKey } from './client-cache.js';
import type { RawGeminiResponse } from './raw-response.js';
import type { GeminiTransport } from './transport.js';
import type { GeminiContentRequest } from './types.js';

let genaiModule: Promise<typeof import('@google/genai')> | undefined;

/**
 * `@google/genai`, imported on first use: it brings google-auth-library and
 * more (about 20 MB of resident memory), which a program on the other SDK,
 * or a `keyrelay run --dry-run`, never needs.
 */
function loadGenai(): Promise<typeof import('@google/genai')> {
  genaiModule ??= import('@google/genai');
  return genaiModule;
}

/**
 * The transport on `@google/genai` (2.x): one `GoogleGenAI` per key, with
 * `httpOptions.baseUrl`; the signal goes in `config.abortSignal`.
 * `httpOptions.retryOptions` is left unset: in 2.32 the SDK then sends each
 * request once (it retries 408/429/5xx only when `retryOptions` is given), so
 * only keyrelay retries. The SDK is imported on the first request.
 *
 * @param baseUrl - Default: the SDK's `https://generativelanguage.googleapis.com/`.
 */
export function genaiTransport(baseUrl: string | undefined): GeminiTransport {
  const clientFor = clientPerKey(
    async (key): Promise<GoogleGenAI> =>
      new (await loadGenai()).GoogleGenAI({
        apiKey: key.reveal(),
        ...(baseUrl === undefined ? {} : { httpOptions: { baseUrl } }),
      }),
  );
  return {
    async generate(key, model, body, signal) {
      const client = await clientFor(key);
      const response = await client.models.generateContent(parametersOf(model, body, signal));
      return response as RawGeminiResponse;
    },
    async stream(key, model, body, signal) {
      const client = await clientFor(key);
      const chunks = await client.models.generateContentStream(parametersOf(model, body, signal));
      return chunks as AsyncIterable<RawGeminiResponse>;
    },
  };
}

/** The REST body in genai's shape: `contents` apart, everything else in `config`. */
function parametersOf(
  model: string,
  body: GeminiContentRequest,
  signal: AbortSignal,
): GenerateContentParameters {
  const config: Record<string, unknown> = { ...body.generationConfig, abortSignal: signal };
  if (body.systemInstruction !== undefined) config.systemInstruction = body.systemInstruction;
  if (body.safetySettings !== undefined) config.safetySettings = body.safetySettings;
  if (body.tools !== undefined) config.tools = body.tools;
  if (body.toolConfig !== undefined) config.toolConfig = body.toolConfig;
  if (body.cachedContent !== undefined) config.cachedContent = body.cachedContent;
  return {
    model,
    contents: body.contents as GenerateContentParameters['contents'],
    config: config as GenerateContentConfig,
  };
}
