import { InvalidOptionError } from '../errors.js';
import type { DispatchedEvent, FailedEvent, SucceededEvent, UsageEvent } from './events.js';

/**
 * One call recorded by hand, as the seed's
 * `tracker.record_usage(key_name, success, cost)`.
 */
export interface UsageRecord {
  /** The service, e.g. `'gemini'`. */
  readonly service: string;
  /** The key's name (never its secret), e.g. `'GEMINI_API_KEY_1'`. */
  readonly keyName: string;
  /** Whether the call succeeded. */
  readonly success: boolean;
  /** A cost figure (tokens or anything else). Default: 0. */
  readonly cost?: number;
  /** The model. Default: `'unknown'`. */
  readonly model?: string;
  /** The key's quota group. Default: the key's name (a group of one). */
  readonly group?: string;
  /** When the call happened, in ms since the epoch. */
  readonly at: number;
  /** Input tokens of a successful call. Default: 0. */
  readonly inputTokens?: number;
  /** Output tokens of a successful call. Default: 0. */
  readonly outputTokens?: number;
  /** The failure kind of a failed call. Default: `'permanent'`. */
  readonly kind?: FailedEvent['kind'];
}

function nonNegative(option: string, value: number | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(option, 'a finite number >= 0', value);
  }
  return value;
}

/**
 * The usage events of one call recorded by hand: a `dispatched` event, then
 * `succeeded` or a final `failed`. Fold them with {@link reduceUsage} like the
 * scheduler's events, so manual and scheduled usage land in the same report.
 *
 * @example
 * ```ts
 * for (const e of usageEventFromRecord({ service: 'gemini', keyName: 'default', success: true, cost: 1, at: Date.now() }))
 *   state = reduceUsage(state, e, { timeZone: 'America/Los_Angeles' });
 * ```
 * @throws {@link InvalidOptionError} when a number is negative or not finite, or a name is empty.
 */
export function usageEventFromRecord(record: UsageRecord): readonly UsageEvent[] {
  if (typeof record.keyName !== 'string' || record.keyName === '') {
    throw new InvalidOptionError('keyName', 'a non-empty key name', record.keyName);
  }
  if (typeof record.service !== 'string' || record.service === '') {
    throw new InvalidOptionError('service', 'a non-empty service name', record.service);
  }
  if (typeof record.at !== 'number' || !Number.isFinite(record.at)) {
    throw new InvalidOptionError('at', 'a time in ms since the epoch', record.at);
  }
  const cost = nonNegative('cost', record.cost);
  const inputTokens = nonNegative('inputTokens', record.inputTokens);
  const outputTokens = nonNegative('outputTokens', record.outputTokens);
  const base = {
    service: record.service,
    key: record.keyName,
    group: record.group ?? record.keyName,
    model: record.model ?? 'unknown',
    at: record.at,
  };
  const dispatched: DispatchedEvent = {
    ...base,
    type: 'dispatched',
    attempt: 1,
    estimatedTokens: inputTokens,
  };
  if (record.success) {
    const succeeded: SucceededEvent = {
      ...base,
      type: 'succeeded',
      inputTokens,
      outputTokens,
      latencyMs: 0,
      cost,
    };
    return [dispatched, succeeded];
  }
  const failed: FailedEvent = {
    ...base,
    type: 'failed',
    kind: record.kind ?? 'permanent',
    message: 'recorded by hand',
    final: true,
    latencyMs: 0,
    cost,
  };
  return [dispatched, failed];
}
