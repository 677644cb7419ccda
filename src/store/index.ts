export {
  type NormalizedRules,
  normalizeLimitRules,
  resolveLimits,
  UNLIMITED,
} from './limit-rules.js';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.js';
export { MemoryTicket } from './memory-ticket.js';
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
