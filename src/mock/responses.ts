/** What the server read from a generate or countTokens request body. */
export interface ParsedPrompt {
  /** Characters of every text part of `contents` and `systemInstruction`. */
  readonly chars: number;
  /** The text of the last content (the newest turn), for the echo. */
  readonly lastText: string;
}

/** Length of the prompt excerpt echoed back. */
const ECHO_CHARS = 60;

/** Tokens of a text of `chars` characters: one per 4 characters, rounded up, at least 1. */
export function tokensOf(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (content === null || typeof content !== 'object') return '';
  const parts = (content as { parts?: unknown }).parts;
  if (!Array.isArray(parts)) return '';
  let text = '';
  for (const part of parts) {
    if (part !== null && typeof part === 'object') {
      const value = (part as { text?: unknown }).text;
      if (typeof value === 'string') text += value;
    }
  }
  return text;
}

/**
 * Reads the prompt of a `GenerateContentRequest` (`contents` must be a
 * non-empty array), or returns the message of a 400.
 */
export function parseGenerateRequest(body: unknown): ParsedPrompt | string {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'Invalid JSON payload received. Expected an object.';
  }
  const { contents, systemInstruction } = body as {
    contents?: unknown;
    systemInstruction?: unknown;
  };
  if (!Array.isArray(contents) || contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified\n';
  }
  let chars = textOfContent(systemInstruction).length;
  let lastText = '';
  for (const content of contents) {
    lastText = textOfContent(content);
    chars += lastText.length;
  }
  return { chars, lastText };
}

/**
 * Reads a `CountTokensRequest`: `{ contents }` or `{ generateContentRequest }`.
 * Returns the message of a 400 when neither holds contents.
 */
export function parseCountTokensRequest(body: unknown): ParsedPrompt | string {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const inner = (body as { generateContentRequest?: unknown }).generateContentRequest;
    if (inner !== undefined && (body as { contents?: unknown }).contents === undefined) {
      return parseGenerateRequest(inner);
    }
  }
  return parseGenerateRequest(body);
}

/** The deterministic answer text: `'Echo: '` and the first 60 characters of the newest turn. */
export function answerText(prompt: ParsedPrompt): string {
  const excerpt = prompt.lastText.replace(/\s+/g, ' ').trim().slice(0, ECHO_CHARS);
  return `Echo: ${excerpt || '(no text)'}`;
}

/** Token usage as in `usageMetadata`. */
export interface Usage {
  readonly promptTokenCount: number;
  readonly candidatesTokenCount: number;
  readonly totalTokenCount: number;
}

/** `usageMetadata` of a complete answer. */
export function usageOf(inputTokens: number, outputTokens: number): Usage {
  return {
    promptTokenCount: inputTokens,
    candidatesTokenCount: outputTokens,
    totalTokenCount: inputTokens + outputTokens,
  };
}

/**
 * One `GenerateContentResponse` (a whole answer or a stream chunk).
 *
 * @param final - whether it carries `finishReason: 'STOP'` and the full usage.
 */
export function generateResponse(
  text: string,
  model: string,
  responseId: string,
  inputTokens: number,
  outputTokens: number,
  final: boolean,
): string {
  const candidate = final
    ? { content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }
    : { content: { parts: [{ text }], role: 'model' }, index: 0 };
  const usageMetadata = final
    ? {
        ...usageOf(inputTokens, outputTokens),
        promptTokensDetails: [{ modality: 'TEXT', tokenCount: inputTokens }],
      }
    : { promptTokenCount: inputTokens, totalTokenCount: inputTokens };
  return JSON.stringify({
    candidates: [candidate],
    usageMetadata,
    modelVersion: model,
    responseId,
  });
}

/** Splits an answer into 3 pieces (2 when short) on code-point boundaries, for streaming. */
export function splitForStream(text: string): string[] {
  const points = Array.from(text);
  const count = points.length >= 12 ? 3 : 2;
  const size = Math.ceil(points.length / count);
  const pieces: string[] = [];
  for (let start = 0; start < points.length; start += size) {
    pieces.push(points.slice(start, start + size).join(''));
  }
  return pieces.length > 0 ? pieces : [''];
}

/** The `countTokens` answer. */
export function countTokensResponse(totalTokens: number): string {
  return JSON.stringify({
    totalTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }],
  });
}
