import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LimitRule } from '../../src/budget/limits.js';
import {
  type FirstAdmission,
  type Hold,
  MemoryStore,
  type QuotaTarget,
  RedisStore,
  type Ticket,
} from '../../src/store/index.js';
import {
  describeWithRedis,
  startTestRedis,
  type TestRedis,
  testPrefix,
} from '../support/redis-server.js';

/**
 * The Lua reservation logic against the in-memory store's: the same sequence
 * of acquisitions (targets in order, tokens, time), holds, reconciliations,
 * seeds and reads gives the same answers. The Redis store runs with
 * `clock: 'caller'` so both see the same times; times cross midnight (UTC).
 */

const TARGETS: readonly QuotaTarget[] = [
  { group: 'a', model: 'm1' },
  { group: 'b', model: 'm1' },
  { group: 'a', model: 'm2' },
];

const LIMITS: readonly LimitRule[] = [
  {
    requestsPerDay: 8,
    windows: [
      { requests: 3, per: 100 },
      { tokens: 40, per: 250 },
    ],
  },
  { model: 'm2', windows: [{ requests: 2, tokens: 30, per: 50 }] },
  { group: 'b', model: 'm1', requestsPerDay: 5, windows: [{ requests: 2, per: 120 }] },
];

const T0 = Date.UTC(2026, 2, 1) - 1_500;

type Op =
  | { kind: 'acquire'; targets: number[]; tokens: number; dt: number }
  | { kind: 'reconcile'; ticket: number; tokens: number; dt: number }
  | { kind: 'hold'; target: number; reason: Hold['reason']; after: number }
  | { kind: 'holdOf'; target: number; dt: number }
  | { kind: 'usage'; target: number; dt: number }
  | { kind: 'seed'; target: number; requests: number; tokens: number; dt: number };

const dt = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 30 }),
  fc.integer({ min: 0, max: 300 }),
);
const target = fc.integer({ min: 0, max: TARGETS.length - 1 });

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('acquire' as const),
      targets: fc.shuffledSubarray([0, 1, 2], { minLength: 1 }),
      tokens: fc.oneof(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 45 })),
      dt,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('reconcile' as const),
      ticket: fc.nat(),
      tokens: fc.integer({ min: 0, max: 50 }),
      dt,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('hold' as const),
      target,
      reason: fc.constantFrom<Hold['reason']>('cooling', 'parked'),
      after: fc.integer({ min: -50, max: 400 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('holdOf' as const), target, dt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('usage' as const), target, dt }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('seed' as const),
      target,
      requests: fc.integer({ min: 0, max: 9 }),
      tokens: fc.integer({ min: 0, max: 200 }),
      dt,
    }),
  },
);

function shape(answer: FirstAdmission) {
  return answer.ok
    ? {
        ok: true,
        index: answer.index,
        target: { ...answer.ticket.target },
        tokens: answer.ticket.tokens,
        at: answer.ticket.at,
      }
    : { ok: false, retryAt: answer.retryAt, reasons: [...answer.reasons] };
}

describeWithRedis('RedisStore (Lua) against MemoryStore: same answers', () => {
  let redis: TestRedis;
  const stores: RedisStore[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    await redis?.dispose();
  });

  it('for random sequences of acquisitions, holds, reconciliations, seeds and reads', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(undefined, 0, 7),
        async (ops, safetyMarginMs) => {
          const options = {
            limits: LIMITS,
            timeZone: 'UTC',
            ...(safetyMarginMs === undefined ? {} : { safetyMarginMs }),
          };
          const memory = new MemoryStore(options);
          const shared = await RedisStore.connect(redis.url, {
            ...options,
            clock: 'caller',
            prefix: testPrefix('prop'),
          });
          stores.push(shared);
          const memoryTickets: Ticket[] = [];
          const sharedTickets: Ticket[] = [];
          let now = T0;
          for (const step of ops) {
            switch (step.kind) {
              case 'acquire': {
                now += step.dt;
                const targets = step.targets.map((i) => TARGETS[i]!);
                const expected = memory.acquireFirst(targets, step.tokens, now);
                const actual = await shared.acquireFirst(targets, step.tokens, now);
                expect(shape(actual), `acquire at +${now - T0}`).toEqual(shape(expected));
                if (expected.ok && actual.ok) {
                  memoryTickets.push(expected.ticket);
                  sharedTickets.push(actual.ticket);
                }
                break;
              }
              case 'reconcile': {
                now += step.dt;
                if (memoryTickets.length === 0) break;
                const i = step.ticket % memoryTickets.length;
                memory.reconcile(memoryTickets[i]!, step.tokens, now);
                await shared.reconcile(sharedTickets[i]!, step.tokens, now);
                break;
              }
              case 'hold': {
                const hold: Hold = { reason: step.reason, until: now + step.after };
                memory.hold(TARGETS[step.target]!, hold);
                await shared.hold(TARGETS[step.target]!, hold);
                break;
              }
              case 'holdOf': {
                now += step.dt;
                const t = TARGETS[step.target]!;
                expect(await shared.holdOf(t, now)).toEqual(memory.holdOf(t, now));
                break;
              }
              case 'usage': {
                now += step.dt;
                const t = TARGETS[step.target]!;
                expect(await shared.usageOn(t, now)).toEqual(memory.usageOn(t, now));
                break;
              }
              case 'seed': {
                now += step.dt;
                const t = TARGETS[step.target]!;
                const usage = { requests: step.requests, tokens: step.tokens };
                memory.seedDay(t, usage, now);
                await shared.seedDay(t, usage, now);
                break;
              }
            }
          }
          for (const t of TARGETS) {
            expect(await shared.usageOn(t, now)).toEqual(memory.usageOn(t, now));
          }
          await shared.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
