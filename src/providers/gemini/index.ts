export { classifyGeminiError } from './classify-error.js';
export type { ErrorDetail, GeminiErrorBody } from './error-details.js';
export {
  durationToMs,
  findDetails,
  isPerDayQuotaId,
  parseErrorBody,
  quotaIdsOf,
  retryDelayMsOf,
} from './error-details.js';
export {
  GeminiStreamInterruptedError,
  GeminiTimeoutError,
  InvalidGeminiRequestError,
  isGeminiStreamInterruptedError,
} from './errors.js';
export { estimateGeminiTokens } from './estimate-tokens.js';
export type { GeminiProviderOptions, GeminiSdk } from './options.js';
export { DEFAULT_GEMINI_MODEL } from './options.js';
export { geminiProvider } from './provider.js';
export type {
  GeminiContent,
  GeminiContentRequest,
  GeminiPart,
  GeminiRequest,
  GeminiResponse,
  GeminiUsage,
} from './types.js';
export { readGeminiUsage, usageFromMetadata } from './usage.js';
