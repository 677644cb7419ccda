import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayKeyOf } from '../../src/budget/time-zone.js';
import type { UsageEvent } from '../../src/usage/events.js';
import { mergeReports, subtractReports } from '../../src/usage/merge.js';
import { emptyUsageState, reduceUsage } from '../../src/usage/reducer.js';
import type { DailyReport, KeyUsage } from '../../src/usage/report.js';
import { reportId } from '../../src/usage/report.js';
import { ev, LA, reduceAll } from './helpers.js';

const DAY0 = Date.UTC(2026, 2, 7, 8); // 2026-03-07 00:00 in Los Angeles
const KEYS = ['K1', 'K2', 'K3'] as const;
const GROUP: Record<string, string> = { K1: 'g1', K2: 'g1', K3: 'g2' };

/** An event without its time; times are assigned uniquely afterwards. */
const eventSpec = fc.record({
  key: fc.constantFrom(...KEYS),
  service: fc.constantFrom('gemini', 'other'),
  model: fc.constantFrom('m1', 'm2'),
  body: fc.oneof(
    fc.record({ type: fc.constant('dispatched' as const), estimatedTokens: fc.nat(1000) }),
    fc.record({
      type: fc.constant('succeeded' as const),
      inputTokens: fc.nat(1000),
      outputTokens: fc.nat(1000),
      cost: fc.nat(2000),
    }),
    fc.record({
      type: fc.constant('failed' as const),
      kind: fc.constantFrom('transient', 'permanent', 'invalid_key', 'rate_limited' as const),
      final: fc.boolean(),
    }),
    fc.record({ type: fc.constant('rate_limited' as const), perDay: fc.boolean() }),
    fc.record({ type: fc.constantFrom('cooled' as const, 'parked' as const), until: fc.nat(1e6) }),
    fc.record({
      type: fc.constant('disabled' as const),
      reason: fc.constantFrom('invalid', 'denied'),
    }),
    fc.record({ type: fc.constant('resumed' as const) }),
  ),
});

type Spec = typeof eventSpec extends fc.Arbitrary<infer T> ? T : never;

function toEvent(spec: Spec, at: number): UsageEvent {
  const base = {
    service: spec.service,
    key: spec.key,
    group: GROUP[spec.key]!,
    model: spec.model,
    at,
  };
  const b = spec.body;
  switch (b.type) {
    case 'dispatched':
      return { ...base, ...b, attempt: 1 };
    case 'succeeded':
      return { ...base, ...b, latencyMs: 1 };
    case 'failed':
      return { ...base, ...b, message: 'x', latencyMs: 1 };
    case 'cooled':
    case 'parked':
      return { ...base, type: b.type, until: at + b.until };
    default:
      return { ...base, ...b } as UsageEvent;
  }
}

/** Events with unique times spread over three days, and a shuffled copy. */
const eventsAndShuffle = fc
  .array(fc.tuple(eventSpec, fc.integer({ min: 0, max: 3 * 86_400_000 - 1 }), fc.double()), {
    maxLength: 120,
  })
  .map((items) => {
    const used = new Set<number>();
    const events = items.map(([spec, offset]) => {
      let at = DAY0 + offset;
      while (used.has(at)) at += 1;
      used.add(at);
      return toEvent(spec, at);
    });
    const shuffled = items
      .map((item, i) => ({ order: item[2], event: events[i]! }))
      .sort((a, b) => a.order - b.order)
      .map((x) => x.event);
    return { events, shuffled };
  });

const iso = (at: number) => new Date(at).toISOString();

/** The straightforward recount: one pass per day, per key, per counter. */
function recount(events: readonly UsageEvent[], timeZone: string): Record<string, DailyReport> {
  const out: Record<string, DailyReport> = {};
  const ids = new Set(events.map((e) => reportId(e.service, dayKeyOf(e.at, timeZone))));
  for (const id of ids) {
    const mine = events.filter((e) => reportId(e.service, dayKeyOf(e.at, timeZone)) === id);
    const first = mine[0]!;
    const keys: Record<string, KeyUsage> = {};
    for (const name of new Set(mine.map((e) => e.key))) {
      const of = mine.filter((e) => e.key === name);
      const used = of.filter((e) =>
        ['dispatched', 'succeeded', 'failed', 'rate_limited'].includes(e.type),
      );
      const sum = (f: (e: UsageEvent) => number) => of.reduce((n, e) => n + f(e), 0);
      const failures: Record<string, number> = {};
      for (const e of of)
        if (e.type === 'failed' && e.final) failures[e.kind] = (failures[e.kind] ?? 0) + 1;
      const states = of
        .filter((e) => ['cooled', 'parked', 'disabled', 'resumed'].includes(e.type))
        .sort((a, b) => a.at - b.at);
      const last = states.at(-1);
      const usage: KeyUsage = {
        group: GROUP[name]!,
        totalCalls: of.filter((e) => e.type === 'dispatched').length,
        successes: of.filter((e) => e.type === 'succeeded').length,
        failures,
        rateLimited: of.filter((e) => e.type === 'rate_limited').length,
        inputTokens: sum((e) => (e.type === 'succeeded' ? e.inputTokens : 0)),
        outputTokens: sum((e) => (e.type === 'succeeded' ? e.outputTokens : 0)),
        cost: sum((e) => (e.type === 'succeeded' ? e.cost : 0)),
        firstUsedAt: used.length ? iso(Math.min(...used.map((e) => e.at))) : null,
        lastUsedAt: used.length ? iso(Math.max(...used.map((e) => e.at))) : null,
      };
      keys[name] =
        last === undefined
          ? usage
          : {
              ...usage,
              state:
                last.type === 'cooled' || last.type === 'parked'
                  ? { state: last.type, since: iso(last.at), until: iso(last.until) }
                  : last.type === 'disabled'
                    ? { state: 'disabled', since: iso(last.at), reason: last.reason }
                    : { state: 'active', since: iso(last.at) },
            };
    }
    const quota: Record<string, Record<string, { requests: number; inputTokens: number }>> = {};
    for (const e of mine) {
      if (e.type !== 'dispatched') continue;
      const g = quota[e.group] ?? {};
      quota[e.group] = g;
      const q = g[e.model] ?? { requests: 0, inputTokens: 0 };
      g[e.model] = { requests: q.requests + 1, inputTokens: q.inputTokens + e.estimatedTokens };
    }
    const all = Object.values(keys);
    const totalFailures: Record<string, number> = {};
    for (const k of all)
      for (const [kind, n] of Object.entries(k.failures))
        totalFailures[kind] = (totalFailures[kind] ?? 0) + n;
    const firsts = all
      .map((k) => k.firstUsedAt)
      .filter((x): x is string => x !== null)
      .sort();
    const lasts = all
      .map((k) => k.lastUsedAt)
      .filter((x): x is string => x !== null)
      .sort();
    out[id] = {
      version: 1,
      service: first.service,
      date: dayKeyOf(first.at, timeZone),
      timeZone,
      updatedAt: iso(Math.max(...mine.map((e) => e.at))),
      keys,
      quota,
      totals: {
        totalCalls: all.reduce((n, k) => n + k.totalCalls, 0),
        successes: all.reduce((n, k) => n + k.successes, 0),
        failures: totalFailures,
        rateLimited: all.reduce((n, k) => n + k.rateLimited, 0),
        inputTokens: all.reduce((n, k) => n + k.inputTokens, 0),
        outputTokens: all.reduce((n, k) => n + k.outputTokens, 0),
        cost: all.reduce((n, k) => n + k.cost, 0),
        firstUsedAt: firsts[0] ?? null,
        lastUsedAt: lasts.at(-1) ?? null,
      },
    };
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('reduceUsage', () => {
  it('equals a straightforward recount of the events, whatever their order', () => {
    fc.assert(
      fc.property(eventsAndShuffle, ({ events, shuffled }) => {
        const expected = recount(events, LA);
        expect(reduceAll(events, LA).reports).toEqual(expected);
        expect(reduceAll(shuffled, LA).reports).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('is pure: it never changes its input and keeps untouched reports as they were', () => {
    fc.assert(
      fc.property(eventsAndShuffle, ({ events }) => {
        let state = deepFreeze(emptyUsageState());
        for (const event of events) {
          const snapshot = JSON.stringify(state);
          const next = deepFreeze(reduceUsage(state, deepFreeze(event), { timeZone: LA }));
          expect(JSON.stringify(state)).toBe(snapshot);
          const touched = reportId(event.service, dayKeyOf(event.at, LA));
          for (const [id, report] of Object.entries(state.reports)) {
            if (id !== touched) expect(next.reports[id]).toBe(report);
          }
          state = next;
        }
      }),
      { numRuns: 50 },
    );
  });

  it('maps each event as documented', () => {
    const at = DAY0 + 3600_000;
    const state = reduceAll([
      ev.dispatched({ at }, 120),
      ev.rateLimited({ at: at + 1 }),
      ev.failed({ at: at + 2 }, 'rate_limited' as never, false),
      { ...ev.dispatched({ at: at + 3 }, 120), attempt: 2 } as UsageEvent,
      ev.succeeded({ at: at + 4 }, 100, 40),
      ev.dispatched({ at: at + 5 }, 7),
      ev.failed({ at: at + 6 }, 'transient', true),
      {
        ...ev.dispatched({ at: at + 7 }),
        type: 'cooled',
        until: at + 20_000,
      } as unknown as UsageEvent,
    ]);
    const report = state.reports['gemini_2026-03-07']!;
    const key = report.keys.GEMINI_API_KEY_1!;
    expect(key).toMatchObject({
      group: 'project-a',
      totalCalls: 3,
      successes: 1,
      failures: { transient: 1 },
      rateLimited: 1,
      inputTokens: 100,
      outputTokens: 40,
      cost: 140,
      firstUsedAt: iso(at),
      lastUsedAt: iso(at + 6),
      state: { state: 'cooled', since: iso(at + 7), until: iso(at + 20_000) },
    });
    expect(report.quota).toEqual({
      'project-a': { 'gemini-2.0-flash': { requests: 3, inputTokens: 247 } },
    });
    expect(report.updatedAt).toBe(iso(at + 7));
  });
});

describe('mergeReports and subtractReports', () => {
  it('merging the reports of two halves equals reducing all events', () => {
    fc.assert(
      fc.property(eventsAndShuffle, fc.nat(), ({ events }, cut) => {
        const i = events.length === 0 ? 0 : cut % (events.length + 1);
        const a = reduceAll(events.slice(0, i)).reports;
        const b = reduceAll(events.slice(i)).reports;
        const all = reduceAll(events).reports;
        for (const [id, report] of Object.entries(all)) {
          const left = a[id];
          const right = b[id];
          const merged = left && right ? mergeReports(left, right) : (left ?? right);
          const { keys, ...rest } = merged!;
          const { keys: allKeys, ...allRest } = report;
          expect(rest).toEqual(allRest);
          // States agree when both halves' latest state event is the overall latest.
          const strip = (k: Record<string, KeyUsage>) =>
            Object.fromEntries(Object.entries(k).map(([n, { state: _s, ...c }]) => [n, c]));
          expect(strip(keys)).toEqual(strip(allKeys));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('merge(base, subtract(current, previous)) adds exactly what current added', () => {
    fc.assert(
      fc.property(eventsAndShuffle, fc.nat(), ({ events }, cut) => {
        const i = events.length === 0 ? 0 : cut % (events.length + 1);
        const previous = reduceAll(events.slice(0, i));
        const current = reduceAll(events.slice(i), LA, previous);
        const other = reduceAll(events.slice(0, Math.floor(i / 2)));
        for (const [id, now] of Object.entries(current.reports)) {
          const before = previous.reports[id];
          const delta = before ? subtractReports(now, before) : now;
          const otherReport = other.reports[id];
          const onDisk = otherReport ? mergeReports(otherReport, delta) : delta;
          const addedOnly = reduceAll(events.slice(i)).reports[id];
          const expected = otherReport
            ? addedOnly
              ? mergeReports(otherReport, addedOnly)
              : otherReport
            : addedOnly;
          if (expected === undefined) continue; // nothing added to this report
          expect(onDisk.totals.totalCalls).toBe(expected.totals.totalCalls);
          expect(onDisk.totals.successes).toBe(expected.totals.successes);
          expect(onDisk.totals.failures).toEqual(expected.totals.failures);
          expect(onDisk.totals.cost).toBe(expected.totals.cost);
          expect(onDisk.quota).toEqual(expected.quota);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses to merge two different days', () => {
    const s = reduceAll([ev.dispatched({ at: DAY0 }), ev.dispatched({ at: DAY0 + 86_400_000 })]);
    const [a, b] = Object.values(s.reports);
    expect(() => mergeReports(a!, b!)).toThrow(/Cannot merge/);
  });
});
