/**
 * One part of a message, as in the Gemini REST API (`text`, `inlineData`,
 * `fileData`, `functionCall`, `functionResponse`, …). Only `text` is read by
 * keyrelay; other fields are passed to the SDK unchanged.
 */
export interface GeminiPart {
  /** Text of this part. */
  readonly text?: string;
  /** True for a "thought" part of a thinking model; not included in {@link GeminiResponse.text}. */
  readonly thought?: boolean;
  /** Any other field of the REST `Part`. */
  readonly [field: string]: unknown;
}

/** One message of a conversation, as in the Gemini REST API. */
export interface GeminiContent {
  /** `'user'` or `'model'`. Default (server side): `'user'`. */
  readonly role?: string;
  /** The message's parts. */
  readonly parts: readonly GeminiPart[];
}

/**
 * A full `generateContent` request body, in the REST API's (camelCase) shape.
 * Both SDKs accept it: `@google/generative-ai` as is, `@google/genai` with
 * `generationConfig`, `safetySettings`, `tools`, `toolConfig`,
 * `systemInstruction` and `cachedContent` moved into its `config`.
 *
 * @example
 * ```ts
 * const body: GeminiContentRequest = {
 *   contents: [{ role: 'user', parts: [{ text: 'Hello' }] }],
 *   systemInstruction: 'Answer in French.',
 *   generationConfig: { temperature: 0.2, maxOutputTokens: 256 },
 * };
 * ```
 */
export interface GeminiContentRequest {
  /** The conversation so far (at least one message). */
  readonly contents: readonly GeminiContent[];
  /** Instructions for the model: a string or a content. Default: none. */
  readonly systemInstruction?: string | GeminiContent;
  /** `temperature`, `maxOutputTokens`, `responseMimeType`, `thinkingConfig`, … Default: the model's. */
  readonly generationConfig?: Readonly<Record<string, unknown>>;
  /** Safety settings, e.g. `[{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]`. Default: the model's. */
  readonly safetySettings?: readonly Readonly<Record<string, unknown>>[];
  /** Tools (function declarations, code execution, search). Default: none. */
  readonly tools?: readonly Readonly<Record<string, unknown>>[];
  /** Tool configuration, e.g. `{ functionCallingConfig: { mode: 'ANY' } }`. Default: none. */
  readonly toolConfig?: Readonly<Record<string, unknown>>;
  /** The name of a cached content, e.g. `'cachedContents/abc'`. Default: none. */
  readonly cachedContent?: string;
}

/**
 * One request for the Gemini provider: exactly one of `prompt` (a single user
 * message) or `request` (a full request body).
 *
 * @example
 * ```ts
 * const a: GeminiRequest = { prompt: 'Summarise: …' };
 * const b: GeminiRequest = { model: 'gemini-2.5-flash', request: { contents: [...] } };
 * ```
 */
export interface GeminiRequest {
  /** The model, e.g. `'gemini-2.0-flash'`. Default: the provider's `model` option. */
  readonly model?: string;
  /** The text of a single user message. */
  readonly prompt?: string;
  /** A full `generateContent` request body. */
  readonly request?: GeminiContentRequest;
  /**
   * Called with each chunk's text as it arrives, when the provider streams
   * (`stream: true`); not called otherwise. Default: none.
   */
  readonly onChunk?: (text: string) => void;
}

/** Token counts of one Gemini response, from its `usageMetadata`. */
export interface GeminiUsage {
  /** `promptTokenCount` (0 when missing). */
  readonly inputTokens: number;
  /** `candidatesTokenCount` (0 when missing). */
  readonly outputTokens: number;
  /** `totalTokenCount` (0 when missing; may exceed input + output, e.g. with thinking tokens). */
  readonly totalTokens: number;
}

/** What the Gemini provider resolves with. */
export interface GeminiResponse {
  /** The text of the first candidate (all its non-thought text parts; for a stream, all chunks'). */
  readonly text: string;
  /** Token usage (for a stream: from the last chunk that carried `usageMetadata`). */
  readonly usage: GeminiUsage;
  /**
   * The first candidate's `finishReason` (e.g. `'STOP'`, `'MAX_TOKENS'`,
   * `'SAFETY'`), or the prompt's `blockReason` when there was no candidate.
   */
  readonly finishReason?: string;
  /** The `modelVersion` the server reported. */
  readonly modelVersion?: string;
  /** For a streamed response: how many chunks arrived. */
  readonly chunks?: number;
}
