/**
 * The fields keyrelay reads from a `GenerateContentResponse` (one response or
 * one stream chunk). Both SDKs' response objects have this shape.
 */
export interface RawGeminiResponse {
  readonly candidates?: readonly {
    readonly content?: {
      readonly parts?: readonly { readonly text?: unknown; readonly thought?: unknown }[];
    };
    readonly finishReason?: unknown;
  }[];
  readonly promptFeedback?: { readonly blockReason?: unknown };
  readonly usageMetadata?: RawUsageMetadata;
  readonly modelVersion?: unknown;
}

/** `usageMetadata` of a Gemini response; any field may be missing. */
export interface RawUsageMetadata {
  readonly promptTokenCount?: unknown;
  readonly candidatesTokenCount?: unknown;
  readonly totalTokenCount?: unknown;
}

/** The text of the first candidate: its text parts joined, thought parts left out. */
export function textOf(response: RawGeminiResponse): string {
  const parts = response.candidates?.[0]?.content?.parts;
  if (!Array.isArray(parts)) return '';
  let text = '';
  for (const part of parts) {
    if (part?.thought === true) continue;
    if (typeof part?.text === 'string') text += part.text;
  }
  return text;
}

/** The first candidate's `finishReason`, else the prompt's `blockReason`, else `undefined`. */
export function finishReasonOf(response: RawGeminiResponse): string | undefined {
  const reason = response.candidates?.[0]?.finishReason;
  if (typeof reason === 'string') return reason;
  const blocked = response.promptFeedback?.blockReason;
  return typeof blocked === 'string' ? blocked : undefined;
}

/** The `modelVersion` string, when present. */
export function modelVersionOf(response: RawGeminiResponse): string | undefined {
  return typeof response.modelVersion === 'string' ? response.modelVersion : undefined;
}
