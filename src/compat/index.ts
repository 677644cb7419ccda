/**
 * The seed's API (`KeyManager`, `UsageTracker`, `RateLimiter`) in
 * TypeScript's idiom: thin shells over the key pool, its budget store, the
 * `schedule()` operator and the usage reducer.
 *
 * @packageDocumentation
 */
export {
  CompatClosedError,
  isNoKeyAvailableError,
  NoKeyAvailableError,
  type NoKeyReason,
} from './errors.js';
export {
  DEFAULT_KEY_MANAGER_MODEL,
  KeyManager,
  type KeyManagerOptions,
  type KeyOutcome,
  type NextKeyOptions,
  type RateLimitNotice,
} from './key-manager.js';
export { RateLimiter, type RateLimiterOptions, type WaitOptions } from './rate-limiter.js';
export {
  type HistoryOptions,
  UsageTracker,
  type UsageTrackerOptions,
  type UsageTrackerRecord,
} from './usage-tracker.js';
