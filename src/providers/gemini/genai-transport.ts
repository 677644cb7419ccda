import {
  type GenerateContentConfig,
  type GenerateContentParameters,
  GoogleGenAI,
} from '@google/genai';
import { clientPerKey } from './client-cache.js';
import type { RawGeminiResponse } from './raw-response.js';
import type { GeminiTransport } from './transport.js';
import type { GeminiContentRequest } from './types.js';

/**
 * The transport on `@google/genai` (2.x): one `GoogleGenAI` per key, with
 * `httpOptions.baseUrl`; the signal goes in `config.abortSignal`.
 * `httpOptions.retryOptions` is left unset: in 2.32 the SDK then sends each
 * request once (it retries 408/429/5xx only when `retryOptions` is given), so
 * only keyrelay retries.
 *
 * @param baseUrl - Default: the SDK's `https://generativelanguage.googleapis.com/`.
 */
export function genaiTransport(baseUrl: string | undefined): GeminiTransport {
  const clientFor = clientPerKey(
    (key) =>
      new GoogleGenAI({
        apiKey: key.reveal(),
        ...(baseUrl === undefined ? {} : { httpOptions: { baseUrl } }),
      }),
  );
  return {
    async generate(key, model, body, signal) {
      const response = await clientFor(key).models.generateContent(
        parametersOf(model, body, signal),
      );
      return response as RawGeminiResponse;
    },
    async stream(key, model, body, signal) {
      const chunks = await clientFor(key).models.generateContentStream(
        parametersOf(model, body, signal),
      );
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
