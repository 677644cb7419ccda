import type { ObservableInput } from 'rxjs';
import type { ApiKey } from '../keys/api-key.js';
import type { AttemptFailure, RequestFailedError } from './failure.js';

/** What `call` receives besides the key and the request. */
export interface CallContext {
  /** Aborted when the output is unsubscribed; pass it to the SDK. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, … */
  readonly attempt: number;
  /** The model the budget was taken for. */
  readonly model: string;
}

/** Sends one request on one key. A Promise or an Observable of one value. */
export type CallFn<Req, Res> = (
  key: ApiKey,
  request: Req,
  context: CallContext,
) => ObservableInput<Res>;

/** Token counts of one response. */
export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/**
 * How to talk to one provider: the call plus what the scheduler needs to know
 * about its requests, responses and errors. Providers (e.g. Gemini) return one.
 */
export interface CallSpec<Req, Res> {
  /** Sends the request. */
  readonly call: CallFn<Req, Res>;
  /** Maps a thrown error to what the scheduler does next. Default: {@link classifyGenericError}. */
  readonly classifyError?: (error: unknown) => AttemptFailure;
  /** Reads token usage from a response, to correct the token budget. Default: none. */
  readonly readUsage?: (response: Res) => TokenUsage | undefined;
  /** The model a request is for. Default: `request.model` when a string, else `'default'`. */
  readonly modelOf?: (request: Req) => string;
  /** Estimated input tokens of a request, reserved before dispatch. Default: {@link estimateTokens}. */
  readonly estimateTokens?: (request: Req) => number;
}

/** A request that succeeded. */
export interface SuccessResult<Req, Res> {
  readonly ok: true;
  readonly request: Req;
  readonly value: Res;
  /** The name of the key that answered. */
  readonly key: string;
  /** The quota group of that key. */
  readonly group: string;
  readonly model: string;
  /** How many attempts it took (1 when the first one succeeded). */
  readonly attempts: number;
  /** Token usage read from the response, when the provider reports it. */
  readonly usage?: TokenUsage;
  /** When the successful attempt was sent and answered (ms since the epoch, scheduler's clock). */
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** A request that failed for good. */
export interface FailureResult<Req> {
  readonly ok: false;
  readonly request: Req;
  /** Why; `error.kind` is the failure kind. */
  readonly error: RequestFailedError;
  readonly model: string;
  /** Names of the keys tried, in order (a key may appear more than once). */
  readonly keysTried: readonly string[];
  readonly attempts: number;
}

/** One value per request: success or failure, never an error that ends the stream. */
export type ScheduleResult<Req, Res> = SuccessResult<Req, Res> | FailureResult<Req>;
