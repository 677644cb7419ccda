/**
 * keyrelay: spend a pool of LLM API keys (Gemini first) as one, as fast as
 * their quotas allow and never faster.
 *
 * - {@link KeyPool}: the keys (from the environment and `.env`), their quota
 *   groups and budgets, and `usage$`, the stream of usage events.
 * - {@link schedule}: the RxJS operator that throttles requests to every
 *   budget and fans them out round-robin over the keys.
 * - {@link geminiProvider}: a ready call for Gemini through either SDK.
 * - {@link attachReports}: daily report files that survive restarts.
 * - {@link KeyManager}, {@link UsageTracker}, {@link RateLimiter}: the
 *   original Python module's API in TypeScript's idiom.
 *
 * The local Gemini-compatible server is in `keyrelay/mock`.
 *
 * @packageDocumentation
 */
export * from './budget/index.js';
export * from './compat/index.js';
export { describeValue, InvalidOptionError, isKeyrelayError, KeyrelayError } from './errors.js';
export * from './keys/index.js';
export * from './pool/index.js';
export * from './providers/gemini/index.js';
export * from './schedule/index.js';
export * from './store/index.js';
export * from './usage/index.js';
export { emitKeyrelayWarning, type WarningHandler } from './warnings.js';
