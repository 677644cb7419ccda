import { InvalidGeminiRequestError } from './errors.js';
import type { GeminiContentRequest, GeminiRequest } from './types.js';

/**
 * The request body of a {@link GeminiRequest}: `request` as is, or `prompt`
 * as one user message. Throws {@link InvalidGeminiRequestError} unless exactly
 * one of them is given, or when `request.contents` is not a non-empty array.
 */
export function requestBodyOf(request: GeminiRequest): GeminiContentRequest {
  const hasPrompt = request.prompt !== undefined;
  const hasBody = request.request !== undefined;
  if (hasPrompt === hasBody) {
    throw new InvalidGeminiRequestError(
      hasPrompt
        ? 'A Gemini request has both `prompt` and `request`: give exactly one.'
        : 'A Gemini request has neither `prompt` nor `request`: give exactly one.',
    );
  }
  if (hasPrompt) {
    if (typeof request.prompt !== 'string') {
      throw new InvalidGeminiRequestError(
        `A Gemini request's \`prompt\` must be a string, received ${typeof request.prompt}.`,
      );
    }
    return { contents: [{ role: 'user', parts: [{ text: request.prompt }] }] };
  }
  const body = request.request!;
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    throw new InvalidGeminiRequestError(
      "A Gemini request's `request.contents` must be a non-empty array of contents.",
    );
  }
  return body;
}
