import { finishReasonOf, modelVersionOf, type RawGeminiResponse, textOf } from './raw-response.js';
import type { GeminiResponse } from './types.js';
import { usageFromMetadata } from './usage.js';

/** The {@link GeminiResponse} of one whole (not streamed) SDK response. */
export function responseOf(raw: RawGeminiResponse): GeminiResponse {
  const response: {
    text: string;
    usage: GeminiResponse['usage'];
    finishReason?: string;
    modelVersion?: string;
  } = { text: textOf(raw), usage: usageFromMetadata(raw.usageMetadata) };
  const finishReason = finishReasonOf(raw);
  if (finishReason !== undefined) response.finishReason = finishReason;
  const modelVersion = modelVersionOf(raw);
  if (modelVersion !== undefined) response.modelVersion = modelVersion;
  return response;
}
