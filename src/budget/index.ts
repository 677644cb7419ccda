export { type BucketLog, createBucketLog, logCorrect, logRecord } from './bucket-log.js';
export {
  type Budget,
  type BudgetOptions,
  createBudget,
  earliestTake,
  reconcileTake,
  tryTake,
} from './budget.js';
export {
  createDailyCounter,
  type DailyCounter,
  dailyAdmits,
  isCountedDay,
  rollDay,
} from './daily-counter.js';
export type { BudgetEntry, BudgetRefusal } from './entry.js';
export type { LimitRule, Limits, WindowLimit } from './limits.js';
export {
  checkPositiveInteger,
  MINUTE_MS,
  type NormalizedLimits,
  type NormalizedWindow,
  normalizeLimits,
} from './normalize.js';
export {
  defaultSafetyMargin,
  MAX_DEFAULT_SAFETY_MARGIN_MS,
  validateSafetyMargin,
} from './safety-margin.js';
export {
  createSlidingWindow,
  type SlidingWindow,
  windowAdmits,
  windowCorrect,
  windowEarliest,
  windowRecord,
} from './sliding-window.js';
export {
  dayKeyOf,
  GEMINI_QUOTA_TIME_ZONE,
  startOfDay,
  startOfNextDay,
  validateTimeZone,
} from './time-zone.js';
