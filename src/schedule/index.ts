export type { BackoffOptions } from './backoff.js';
export { classifyGenericError, isAbortError, isNetworkError } from './classify-generic.js';
export { AllKeysDisabledError, EmptyPoolError } from './errors.js';
export { estimateTokens } from './estimate-tokens.js';
export type { AttemptFailure, AttemptFailureKind, FailureKind } from './failure.js';
export { RequestFailedError } from './failure.js';
export type { ScheduleOptions } from './options.js';
export { type RequestSource, type ScheduleOperator, schedule } from './schedule.js';
export type {
  CallContext,
  CallFn,
  CallSpec,
  FailureResult,
  ScheduleResult,
  SuccessResult,
  TokenUsage,
} from './types.js';
