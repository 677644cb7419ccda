export {
  REDIS_URL_VARIABLE,
  type StoreFromEnvironmentOptions,
  storeFromEnvironment,
} from './from-environment.js';
export {
  type NormalizedRules,
  normalizeLimitRules,
  resolveLimits,
  UNLIMITED,
} from './limit-rules.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { MemoryTicket } from './memory-ticket.js';
export { isRedisStoreError, RedisStoreError } from './redis-errors.js';
export { DEFAULT_REDIS_PREFIX } from './redis-keys.js';
export {
  REDIS_CLIENT_DEFAULTS,
  type RedisClock,
  type RedisStoreOptions,
} from './redis-options.js';
export { RedisStore, type RedisStoreConnectOptions } from './redis-store.js';
export { RedisTicket } from './redis-ticket.js';
export type {
  Admission,
  BudgetStore,
  DayUsage,
  FirstAdmission,
  Hold,
  HoldReason,
  LocalBudgetStore,
  MaybePromise,
  QuotaTarget,
  RefusalReason,
  Ticket,
} from './types.js';
