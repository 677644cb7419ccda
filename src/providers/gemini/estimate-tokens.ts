import type { GeminiContent, GeminiRequest } from './types.js';

/**
 * The provider's default `estimateTokens`: the characters of the prompt, or
 * of every text part of `request.contents` and `request.systemInstruction`,
 * divided by 4 and rounded up; at least 1. Never throws (a malformed request
 * is reported when it is sent).
 *
 * @example `estimateGeminiTokens({ prompt: 'Hello world!' }) // 3`
 */
export function estimateGeminiTokens(request: GeminiRequest): number {
  let characters = typeof request.prompt === 'string' ? request.prompt.length : 0;
  const body = request.request;
  if (body !== undefined && body !== null) {
    if (Array.isArray(body.contents)) {
      for (const content of body.contents) characters += charactersOf(content);
    }
    const system = body.systemInstruction;
    if (typeof system === 'string') characters += system.length;
    else if (system !== undefined) characters += charactersOf(system);
  }
  return Math.max(1, Math.ceil(characters / 4));
}

function charactersOf(content: GeminiContent | undefined): number {
  if (!Array.isArray(content?.parts)) return 0;
  let characters = 0;
  for (const part of content.parts) {
    if (typeof part?.text === 'string') characters += part.text.length;
  }
  return characters;
}
