/** One key of the real-time runs, with the Google Cloud project the server counts it in. */
export interface RealKey {
  readonly name: string;
  readonly secret: string;
  readonly project: string;
}

/** What the parent tells a real-time child. */
export interface RealConfig {
  readonly url: string;
  readonly model: string;
  readonly keys: readonly RealKey[];
  /** Requests per window, per project (the server's limit; users set it per key). */
  readonly limit: number;
  readonly windowMs: number;
  /** How long to keep sending, in ms. */
  readonly durationMs: number;
  /** keyrelay's `safetyMarginMs`, when set. */
  readonly safetyMarginMs?: number;
}

/** What a real-time child reports of its own view. */
export interface RealClientCounts {
  readonly succeeded: number;
  readonly rateLimited: number;
  readonly otherErrors: number;
}

/** A contender of the real-time run: sends the endless demand for `durationMs`, then stops. */
export type RealContender = (config: RealConfig) => Promise<RealClientCounts>;

/** The prompt of every request (12 input tokens). */
export const REAL_PROMPT = 'Summarise the benchmark in one line please.';
