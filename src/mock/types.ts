/**
 * One API key the local Gemini server knows.
 *
 * @example `{ key: 'mock-key-1', project: 'project-a', name: 'GEMINI_API_KEY_1' }`
 */
export interface MockKey {
  /** The secret a client sends (header `x-goog-api-key` or query `key`). Never logged. */
  key: string;
  /** The Google Cloud project the key belongs to: keys of one project share one quota. */
  project: string;
  /** A label for the log. Default: `'key-<index>'` (index in `keys`, from 0). */
  name?: string;
}

/**
 * Quota limits of one model, per project. A limit left out is unlimited.
 *
 * @example `{ rpm: 15, tpm: 1_000_000, rpd: 1500, windowMs: 1000 }`
 */
export interface MockLimits {
  /** Requests per window (sliding, by arrival time). Default: unlimited. */
  rpm?: number;
  /** Input tokens per window (sliding, by arrival time). Default: unlimited. */
  tpm?: number;
  /** Requests per calendar day in `timeZone`. Default: unlimited. */
  rpd?: number;
  /** Length of the "minute" in milliseconds, to compress time in tests. Default: `60000`. */
  windowMs?: number;
}

/**
 * Random faults, each a probability from 0 to 1 drawn per generate request
 * with the seeded PRNG. Default: no faults.
 */
export interface MockFaults {
  /** Share of requests answered 503 `UNAVAILABLE` ("The model is overloaded"). Default: `0`. */
  overloadedRate?: number;
  /** Share of requests answered 500 `INTERNAL`. Default: `0`. */
  internalErrorRate?: number;
  /** Share of requests whose connection is destroyed without an answer. Default: `0`. */
  dropRate?: number;
  /** Share of requests answered normally but `slowMs` late. Default: `0`. */
  slowRate?: number;
  /** Extra delay of a slow request, in milliseconds. Default: `2000`. */
  slowMs?: number;
}

/** Options of {@link startMockGemini}. Only `keys` is required. */
export interface MockGeminiOptions {
  /** The keys the server accepts (at least one). */
  keys: readonly MockKey[];
  /**
   * Limits for every model, or per model name (`'*'` = the default for models not listed).
   * Default: unlimited.
   *
   * @example `{ 'gemini-2.0-flash': { rpm: 15 }, '*': { rpm: 5 } }`
   */
  limits?: MockLimits | Readonly<Record<string, MockLimits>>;
  /** Interface to listen on. Default: `'127.0.0.1'`. */
  host?: string;
  /** Port to listen on. Default: `0` (a free port). */
  port?: number;
  /** Delay before each answer in ms: fixed, or uniform in `[min, max]`. Default: `0`. */
  latencyMs?: number | readonly [min: number, max: number];
  /** Random faults. Default: none. */
  faults?: MockFaults;
  /** Seed of the PRNG that picks faults and latencies. Default: `1` (deterministic). */
  seed?: number;
  /** IANA time zone whose calendar day bounds RPD. Default: `'America/Los_Angeles'`. */
  timeZone?: string;
  /** The clock, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
}

/** How the server answered a request. */
export type MockOutcome =
  | 'ok'
  | 'rate_limited_rpm'
  | 'rate_limited_tpm'
  | 'rate_limited_rpd'
  | 'invalid_key'
  | 'bad_request'
  | 'overloaded'
  | 'internal'
  | 'dropped';

/** The API methods the server serves. */
export type MockMethod = 'generateContent' | 'streamGenerateContent' | 'countTokens';

/** One request the server received, as recorded in {@link MockGeminiServer.log}. */
export interface MockLogEntry {
  /** Arrival time: the server clock (`now`) when the request body had been read, epoch ms. */
  at: number;
  /** The key's {@link MockKey.name}, never its secret; `'unknown'` for a missing or unknown key. */
  key: string;
  /** The key's project; `undefined` for a missing or unknown key. */
  project: string | undefined;
  /** The model name from the path, without `models/`. */
  model: string;
  /** The method called. */
  method: MockMethod;
  /** How it was answered. */
  outcome: MockOutcome;
  /** The HTTP status sent; `0` when the connection was dropped. */
  status: number;
  /** Input tokens counted (also for rejected requests whose body could be read). */
  inputTokens: number;
  /** Output tokens sent; `0` unless answered. */
  outputTokens: number;
}

/** The kinds of answers {@link MockGeminiServer.injectNext} can force. */
export type MockInjectedKind =
  | 'rate_limited_rpm'
  | 'rate_limited_rpd'
  | 'rate_limited_tpm'
  | 'overloaded'
  | 'internal'
  | 'dropped'
  | 'slow';

/** A forced answer for a coming generate request. */
export interface MockInjected {
  /** What to answer. `'slow'` answers normally (and counts) after `faults.slowMs`. */
  kind: MockInjectedKind;
  /** `retryDelay` of an injected 429, in ms. Default: the model's `windowMs`. */
  retryDelayMs?: number;
  /** Only for a request on the key with this {@link MockKey.name}. Default: any key. */
  key?: string;
}

/** A running local Gemini server. */
export interface MockGeminiServer {
  /** Base URL without trailing slash, e.g. `'http://127.0.0.1:41234'`: pass it as the SDK's `baseUrl`. */
  readonly url: string;
  /** Every request received, in arrival order, rejected ones included. */
  readonly log: readonly MockLogEntry[];
  /**
   * Queues a forced answer for the next generate (or stream) request, or the
   * next one on `fault.key`. Injected answers are used in the order queued and
   * do not count against quota (except `'slow'`, which is answered normally).
   */
  injectNext(fault: MockInjected): void;
  /** Empties {@link MockGeminiServer.log}. Quota state is kept. */
  resetLog(): void;
  /** Stops listening, drops open connections and pending answers. */
  close(): Promise<void>;
}
