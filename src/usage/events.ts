import type { AttemptFailureKind } from '../schedule/failure.js';

/** Fields every usage event carries. Never a secret: keys appear by name. */
export interface UsageEventBase {
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The key's name, e.g. `'GEMINI_API_KEY_2'`. */
  readonly key: string;
  /** The key's quota group. */
  readonly group: string;
  /** The model. */
  readonly model: string;
  /** When it happened, in ms since the epoch, from the scheduler's clock. */
  readonly at: number;
}

/** A request was sent on a key. */
export interface DispatchedEvent extends UsageEventBase {
  readonly type: 'dispatched';
  /** 1 for the first attempt of a request, 2 for its first retry, … */
  readonly attempt: number;
  /** The input tokens reserved for it (an estimate). */
  readonly estimatedTokens: number;
}

/** A request succeeded. */
export interface SucceededEvent extends UsageEventBase {
  readonly type: 'succeeded';
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly latencyMs: number;
  /** A cost figure recorded by hand (the seed's `cost`); the scheduler sets the total tokens. */
  readonly cost: number;
}

/** An attempt failed (`final` when the request gets no more attempts). */
export interface FailedEvent extends UsageEventBase {
  readonly type: 'failed';
  readonly kind: AttemptFailureKind | 'daily_quota_exhausted' | 'too_large';
  readonly message: string;
  readonly final: boolean;
  readonly latencyMs: number;
  /** A cost figure recorded by hand for a failed call (the seed's `cost`). Default: 0. */
  readonly cost?: number;
}

/** The server answered 429. */
export interface RateLimitedEvent extends UsageEventBase {
  readonly type: 'rate_limited';
  readonly perDay: boolean;
  readonly retryAfterMs?: number;
  readonly quotaId?: string;
}

/** The key's quota group was cooled after a per-minute 429. */
export interface CooledEvent extends UsageEventBase {
  readonly type: 'cooled';
  readonly until: number;
}

/** The key's quota group was parked until the next day boundary. */
export interface ParkedEvent extends UsageEventBase {
  readonly type: 'parked';
  readonly until: number;
}

/** The key was disabled for the rest of the run. */
export interface DisabledEvent extends UsageEventBase {
  readonly type: 'disabled';
  readonly reason: string;
}

/** A cooled or parked key was used again. */
export interface ResumedEvent extends UsageEventBase {
  readonly type: 'resumed';
}

/**
 * A shared store (Redis) could not be reached. Nothing is dispatched without
 * a reservation meanwhile; the scheduler asks again after `retryInMs`.
 * `key` and `group` are `'(store)'`; it counts in no report.
 */
export interface StoreErrorEvent extends UsageEventBase {
  readonly type: 'store_error';
  readonly message: string;
  readonly retryInMs: number;
}

/** Everything `pool.usage$` emits. */
export type UsageEvent =
  | DispatchedEvent
  | SucceededEvent
  | FailedEvent
  | RateLimitedEvent
  | CooledEvent
  | ParkedEvent
  | DisabledEvent
  | ResumedEvent
  | StoreErrorEvent;

/** The `type` of a usage event. */
export type UsageEventType = UsageEvent['type'];
