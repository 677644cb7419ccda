import type { CallSpec } from '../../schedule/types.js';
import { callGemini } from './call-gemini.js';
import { classifyGeminiError } from './classify-error.js';
import { estimateGeminiTokens } from './estimate-tokens.js';
import { genaiTransport } from './genai-transport.js';
import { generativeAiTransport } from './generative-ai-transport.js';
import { type GeminiProviderOptions, resolveGeminiOptions } from './options.js';
import type { GeminiRequest, GeminiResponse } from './types.js';
import { readGeminiUsage } from './usage.js';

/**
 * A ready {@link CallSpec} for `schedule()` that calls Gemini through
 * `@google/generative-ai` (default) or `@google/genai`:
 *
 * - `call` sends a {@link GeminiRequest} on one key (one SDK client per key,
 *   reused), passes the scheduler's signal to the SDK and rejects as soon as it
 *   aborts; with `stream: true` it delivers chunks through `request.onChunk`
 *   and resolves with the aggregated text. A stream that fails after its
 *   first chunk fails `permanent` (see `GeminiStreamInterruptedError`).
 * - `classifyError` is {@link classifyGeminiError}.
 * - `readUsage` reads `usageMetadata` (input and output tokens).
 * - `modelOf` is `request.model ?? options.model`.
 * - `estimateTokens` is {@link estimateGeminiTokens} (characters / 4).
 *
 * Neither SDK retries on its own here: keyrelay's scheduler does.
 * Throws `InvalidOptionError` for invalid options.
 *
 * `Req` lets requests carry fields of your own (an id, metadata) through to
 * the results: `geminiProvider<GeminiRequest & { id: string }>()`.
 * Default: {@link GeminiRequest}.
 *
 * @example
 * ```ts
 * const gemini = geminiProvider({ sdk: 'genai', model: 'gemini-2.5-flash' });
 * prompts$.pipe(schedule(pool, gemini)).subscribe(console.log);
 * // against the local server:
 * geminiProvider({ baseUrl: mock.url, stream: true });
 * ```
 */
export function geminiProvider<Req extends GeminiRequest = GeminiRequest>(
  options: GeminiProviderOptions = {},
): CallSpec<Req, GeminiResponse> {
  const resolved = resolveGeminiOptions(options);
  const transport =
    resolved.sdk === 'genai'
      ? genaiTransport(resolved.baseUrl)
      : generativeAiTransport(resolved.baseUrl);
  return {
    call: (key, request, context) => callGemini(transport, resolved, key, request, context),
    classifyError: classifyGeminiError,
    readUsage: readGeminiUsage,
    modelOf: (request) => request.model ?? resolved.model,
    estimateTokens: estimateGeminiTokens,
  };
}
