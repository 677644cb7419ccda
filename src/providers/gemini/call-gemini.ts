import type { ApiKey } from '../../keys/api-key.js';
import type { CallContext } from '../../schedule/types.js';
import { raceAbort, throwIfAborted, withAttemptSignal } from './attempt-signal.js';
import { collectStream } from './collect-stream.js';
import type { ResolvedGeminiOptions } from './options.js';
import { requestBodyOf } from './request-body.js';
import { responseOf } from './response.js';
import type { GeminiTransport } from './transport.js';
import type { GeminiRequest, GeminiResponse } from './types.js';

/**
 * Sends one request on one key through `transport`: validates it, builds its
 * body, applies the time-out and the scheduler's signal, and reads the whole
 * response or the stream. The model is `context.model` (what the budget was
 * taken for), else `request.model`, else the provider's default.
 */
export async function callGemini(
  transport: GeminiTransport,
  options: ResolvedGeminiOptions,
  key: ApiKey,
  request: GeminiRequest,
  context: CallContext,
): Promise<GeminiResponse> {
  const body = requestBodyOf(request);
  const model = context.model || request.model || options.model;
  return withAttemptSignal(context.signal, options.timeoutMs, async (signal) => {
    // `@google/generative-ai` ignores a signal that is already aborted: send nothing then.
    throwIfAborted(signal);
    if (!options.stream) {
      return responseOf(await raceAbort(transport.generate(key, model, body, signal), signal));
    }
    const chunks = await raceAbort(transport.stream(key, model, body, signal), signal);
    return collectStream(chunks, request.onChunk, signal);
  });
}
