import {
  type GenerateContentRequest,
  GoogleGenerativeAI,
  type RequestOptions,
} from '@google/generative-ai';
import { clientPerKey } from './client-cache.js';
import type { RawGeminiResponse } from './raw-response.js';
import type { GeminiTransport } from './transport.js';

/**
 * The transport on `@google/generative-ai` (0.24): one `GoogleGenerativeAI`
 * per key; `getGenerativeModel({ model }, { baseUrl })`; the signal goes in
 * `SingleRequestOptions.signal`. The SDK does not retry. Its own `timeout`
 * option is not used (its timer is never cleared); the provider times out
 * attempts itself.
 *
 * @param baseUrl - Default: the SDK's `https://generativelanguage.googleapis.com`.
 */
export function generativeAiTransport(baseUrl: string | undefined): GeminiTransport {
  const clientFor = clientPerKey((key) => new GoogleGenerativeAI(key.reveal()));
  const requestOptions: RequestOptions = baseUrl === undefined ? {} : { baseUrl };
  return {
    async generate(key, model, body, signal) {
      const generative = clientFor(key).getGenerativeModel({ model }, requestOptions);
      const result = await generative.generateContent(body as unknown as GenerateContentRequest, {
        signal,
      });
      return result.response as RawGeminiResponse;
    },
    async stream(key, model, body, signal) {
      const generative = clientFor(key).getGenerativeModel({ model }, requestOptions);
      const result = await generative.generateContentStream(
        body as unknown as GenerateContentRequest,
        { signal },
      );
      // The SDK also aggregates the stream into `response`; it rejects when the
      // stream fails. The provider reads `stream` only, so silence it.
      result.response.catch(() => {});
      return result.stream as AsyncIterable<RawGeminiResponse>;
    },
  };
}
