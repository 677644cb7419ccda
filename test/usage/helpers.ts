import type { UsageEvent } from '../../src/usage/events.js';
import type { UsageState } from '../../src/usage/reducer.js';
import { emptyUsageState, reduceUsage } from '../../src/usage/reducer.js';

export const LA = 'America/Los_Angeles';

type Base = { service?: string; key?: string; group?: string; model?: string; at: number };

function base(b: Base) {
  return {
    service: b.service ?? 'gemini',
    key: b.key ?? 'GEMINI_API_KEY_1',
    group: b.group ?? 'project-a',
    model: b.model ?? 'gemini-2.0-flash',
    at: b.at,
  };
}

export const ev = {
  dispatched: (b: Base, estimatedTokens = 10): UsageEvent => ({
    ...base(b),
    type: 'dispatched',
    attempt: 1,
    estimatedTokens,
  }),
  succeeded: (b: Base, inputTokens = 10, outputTokens = 5): UsageEvent => ({
    ...base(b),
    type: 'succeeded',
    inputTokens,
    outputTokens,
    latencyMs: 100,
    cost: inputTokens + outputTokens,
  }),
  failed: (b: Base, kind: 'transient' | 'permanent' | 'invalid_key', final = true): UsageEvent => ({
    ...base(b),
    type: 'failed',
    kind,
    message: 'boom',
    final,
    latencyMs: 50,
  }),
  rateLimited: (b: Base): UsageEvent => ({ ...base(b), type: 'rate_limited', perDay: false }),
};

/** Folds events into a state. */
export function reduceAll(
  events: readonly UsageEvent[],
  timeZone = LA,
  from = emptyUsageState(),
): UsageState {
  return events.reduce((s, e) => reduceUsage(s, e, { timeZone }), from);
}

/** A number of calls (dispatched + succeeded) on one key, each one ms apart from `at`. */
export function calls(n: number, b: Base): UsageEvent[] {
  const out: UsageEvent[] = [];
  for (let i = 0; i < n; i++) {
    out.push(ev.dispatched({ ...b, at: b.at + i }), ev.succeeded({ ...b, at: b.at + i }));
  }
  return out;
}
