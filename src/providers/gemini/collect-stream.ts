import { raceAbort } from './attempt-signal.js';
import { classifyGeminiError } from './classify-error.js';
import { GeminiStreamInterruptedError } from './errors.js';
import {
  finishReasonOf,
  modelVersionOf,
  type RawGeminiResponse,
  type RawUsageMetadata,
  textOf,
} from './raw-response.js';
import type { GeminiResponse } from './types.js';
import { usageFromMetadata } from './usage.js';

/**
 * Reads a stream to its end: passes each chunk's text (when not empty) to
 * `onChunk` as it arrives and resolves with the whole text, the usage of the
 * last chunk that carried `usageMetadata`, the last `finishReason` and
 * `modelVersion`, and the number of chunks.
 *
 * A failure before the first chunk is rethrown as is (the scheduler may
 * retry it). A failure after it (a dropped connection, an error event, an
 * abort, a time-out, or `onChunk` throwing) becomes a
 * {@link GeminiStreamInterruptedError}, classified `permanent`, so that a
 * retry never delivers the same chunks twice.
 */
export async function collectStream(
  chunks: AsyncIterable<RawGeminiResponse>,
  onChunk: ((text: string) => void) | undefined,
  signal: AbortSignal,
): Promise<GeminiResponse> {
  const iterator = chunks[Symbol.asyncIterator]();
  let count = 0;
  let text = '';
  let metadata: RawUsageMetadata | undefined;
  let finishReason: string | undefined;
  let modelVersion: string | undefined;
  try {
    while (true) {
      const next = await raceAbort(iterator.next(), signal);
      if (next.done === true) break;
      count += 1;
      const chunk = next.value;
      metadata = chunk.usageMetadata ?? metadata;
      finishReason = finishReasonOf(chunk) ?? finishReason;
      modelVersion = modelVersionOf(chunk) ?? modelVersion;
      const piece = textOf(chunk);
      text += piece;
      if (piece !== '') onChunk?.(piece);
    }
  } catch (error) {
    // Stop the SDK's reader; do not wait for it.
    Promise.resolve(iterator.return?.()).catch(() => {});
    if (count === 0) throw error;
    throw new GeminiStreamInterruptedError(count, classifyGeminiError(error).message, {
      cause: error,
    });
  }
  const response: {
    text: string;
    usage: GeminiResponse['usage'];
    chunks: number;
    finishReason?: string;
    modelVersion?: string;
  } = { text, usage: usageFromMetadata(metadata), chunks: count };
  if (finishReason !== undefined) response.finishReason = finishReason;
  if (modelVersion !== undefined) response.modelVersion = modelVersion;
  return response;
}
