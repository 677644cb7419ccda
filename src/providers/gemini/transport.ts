import type { ApiKey } from '../../keys/api-key.js';
import type { RawGeminiResponse } from './raw-response.js';
import type { GeminiContentRequest } from './types.js';

/**
 * What the provider needs from an SDK: one `generateContent` and one
 * `generateContentStream`, each on one key, passing `signal` to the SDK.
 * Errors are the SDK's own (see `classifyGeminiError`).
 */
export interface GeminiTransport {
  /** Sends one request and resolves with the whole response. */
  generate(
    key: ApiKey,
    model: string,
    body: GeminiContentRequest,
    signal: AbortSignal,
  ): Promise<RawGeminiResponse>;
  /** Opens a stream; resolves once the server answered, with its chunks. */
  stream(
    key: ApiKey,
    model: string,
    body: GeminiContentRequest,
    signal: AbortSignal,
  ): Promise<AsyncIterable<RawGeminiResponse>>;
}
