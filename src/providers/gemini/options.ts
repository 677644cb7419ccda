import { InvalidOptionError } from '../../errors.js';

/** Which Gemini SDK sends the requests. */
export type GeminiSdk = 'generative-ai' | 'genai';

/**
 * Options of {@link geminiProvider}. All are optional.
 *
 * @example
 * ```ts
 * geminiProvider({ sdk: 'genai', model: 'gemini-2.5-flash', timeoutMs: 60_000 });
 * geminiProvider({ baseUrl: mock.url, stream: true }); // the local server
 * ```
 */
export interface GeminiProviderOptions {
  /**
   * The SDK: `'generative-ai'` (`@google/generative-ai`, the package keyrelay
   * was specified with; deprecated upstream) or `'genai'` (`@google/genai`,
   * Google's current SDK). Default: `'generative-ai'`.
   */
  readonly sdk?: GeminiSdk;
  /**
   * The API's base URL, without a trailing path, e.g. `'http://127.0.0.1:8080'`
   * for the local server. Default: the SDK's own (Google's
   * `https://generativelanguage.googleapis.com`). Environment variables are
   * not read here.
   */
  readonly baseUrl?: string;
  /** The model of requests that name none. Default: `'gemini-2.0-flash'`. */
  readonly model?: string;
  /**
   * Stream responses (`generateContentStream`), delivering each chunk's text
   * through the request's `onChunk`. A failure before the first chunk (e.g. a
   * 429) is an ordinary failure that the scheduler may retry; a failure after
   * it is `permanent` (`GeminiStreamInterruptedError`, "stream interrupted
   * after N chunks"), so that no chunk is ever delivered twice. Default: `false`.
   */
  readonly stream?: boolean;
  /**
   * Time limit of one attempt in ms (a stream: until its last chunk); a
   * timed-out attempt is `transient`. Default: none (the scheduler's signal only).
   */
  readonly timeoutMs?: number;
}

/** {@link GeminiProviderOptions} with defaults applied. */
export interface ResolvedGeminiOptions {
  readonly sdk: GeminiSdk;
  readonly baseUrl: string | undefined;
  readonly model: string;
  readonly stream: boolean;
  readonly timeoutMs: number | undefined;
}

/** The default model: `'gemini-2.0-flash'`. */
export const DEFAULT_GEMINI_MODEL = 'gemini-2.0-flash';

/**
 * Validates the options and applies defaults. Throws
 * {@link InvalidOptionError} naming the option, what it expects and what it got.
 */
export function resolveGeminiOptions(options: GeminiProviderOptions = {}): ResolvedGeminiOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('options', 'an object of Gemini provider options', options);
  }
  const { sdk = 'generative-ai', baseUrl, model = DEFAULT_GEMINI_MODEL } = options;
  const { stream = false, timeoutMs } = options;
  if (sdk !== 'generative-ai' && sdk !== 'genai') {
    throw new InvalidOptionError('sdk', "'generative-ai' or 'genai'", sdk);
  }
  if (baseUrl !== undefined && !isHttpUrl(baseUrl)) {
    throw new InvalidOptionError(
      'baseUrl',
      'an http(s) URL such as "http://127.0.0.1:8080"',
      baseUrl,
    );
  }
  if (typeof model !== 'string' || model.trim() === '') {
    throw new InvalidOptionError(
      'model',
      'a non-empty model name such as "gemini-2.0-flash"',
      model,
    );
  }
  if (typeof stream !== 'boolean') {
    throw new InvalidOptionError('stream', 'a boolean', stream);
  }
  if (
    timeoutMs !== undefined &&
    (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0)
  ) {
    throw new InvalidOptionError('timeoutMs', 'a finite number of milliseconds > 0', timeoutMs);
  }
  return {
    sdk,
    baseUrl: baseUrl?.replace(/\/+$/, ''),
    model,
    stream,
    timeoutMs,
  };
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
