import type { TokenUsage } from '../../schedule/types.js';
import type { RawUsageMetadata } from './raw-response.js';
import type { GeminiResponse, GeminiUsage } from './types.js';

/**
 * Token counts from a response's `usageMetadata`: `promptTokenCount`,
 * `candidatesTokenCount` and `totalTokenCount`; a missing or non-numeric
 * field (or missing metadata) counts as 0.
 */
export function usageFromMetadata(metadata: RawUsageMetadata | undefined): GeminiUsage {
  return {
    inputTokens: count(metadata?.promptTokenCount),
    outputTokens: count(metadata?.candidatesTokenCount),
    totalTokens: count(metadata?.totalTokenCount),
  };
}

/** The provider's `readUsage`: input and output tokens of a {@link GeminiResponse}. */
export function readGeminiUsage(response: GeminiResponse): TokenUsage {
  return { inputTokens: response.usage.inputTokens, outputTokens: response.usage.outputTokens };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
