import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import {
  type Admission,
  MemoryStore,
  type QuotaTarget,
  type Ticket,
} from '../../src/store/index.js';

const T0 = Date.UTC(2026, 0, 15, 20); // 12:00 PST
const NEXT_MIDNIGHT = Date.UTC(2026, 0, 16, 8); // 00:00 PST on the 16th
const A: QuotaTarget = { group: 'project-a', model: 'gemini-2.0-flash' };

function ticketOf(admission: Admission): Ticket {
  if (!admission.ok) throw new Error(`refused: ${admission.reason}`);
  return admission.ticket;
}

/** How many zero-token requests the store admits for `target` at one instant. */
function burst(store: MemoryStore, target: QuotaTarget, now = T0, max = 100): number {
  let n = 0;
  while (n < max && store.tryAcquire(target, 0, now).ok) n++;
  return n;
}

describe('MemoryStore', () => {
  it('resolves the most specific rule: group and model, then model, then group, then neither', () => {
    const store = new MemoryStore({
      safetyMarginMs: 0,
      limits: [
        { requestsPerMinute: 1 },
        { group: 'g', requestsPerMinute: 2 },
        { model: 'm', requestsPerMinute: 3 },
        { group: 'g', model: 'm', requestsPerMinute: 4 },
      ],
    });
    expect(burst(store, { group: 'g', model: 'm' })).toBe(4);
    expect(burst(store, { group: 'other', model: 'm' })).toBe(3);
    expect(burst(store, { group: 'g', model: 'other' })).toBe(2);
    expect(burst(store, { group: 'other', model: 'other' })).toBe(1);
  });

  it('keeps one budget per group and model, and leaves unmatched targets unlimited', () => {
    const store = new MemoryStore({ limits: [{ model: 'm', requestsPerMinute: 2 }] });
    expect(burst(store, { group: 'g1', model: 'm' })).toBe(2);
    expect(burst(store, { group: 'g2', model: 'm' })).toBe(2);
    expect(burst(store, { group: 'g1', model: 'unlisted' })).toBe(100);
    expect(burst(new MemoryStore(), A)).toBe(100);
    expect(burst(new MemoryStore({ limits: [] }), A)).toBe(100);
  });

  it('keys budgets by the names in a target, whichever object carries them', () => {
    const store = new MemoryStore({ safetyMarginMs: 0, limits: { requestsPerMinute: 3 } });
    const reused: QuotaTarget = { group: 'g', model: 'm' };
    expect(store.tryAcquire(reused, 0, T0).ok).toBe(true);
    expect(store.tryAcquire({ group: 'g', model: 'm' }, 0, T0).ok).toBe(true);
    expect(store.tryAcquire(reused, 0, T0).ok).toBe(true);
    expect(store.tryAcquire({ ...reused }, 0, T0).ok).toBe(false);
    store.hold({ group: 'g', model: 'm' }, { reason: 'cooling', until: T0 + 120_000 });
    expect(store.holdOf(reused, T0 + 61_000)?.reason).toBe('cooling');
    expect(store.usageOn(reused, T0)).toEqual({ requests: 3, tokens: 0 });
  });

  it('a single Limits object applies to every target', () => {
    const store = new MemoryStore({ limits: { requestsPerMinute: 3 } });
    expect(burst(store, A)).toBe(3);
    expect(burst(store, { group: 'b', model: 'x' })).toBe(3);
    const refusal = store.tryAcquire(A, 0, T0 + 1);
    expect(refusal).toEqual({ ok: false, retryAt: T0 + 61_000, reason: 'window' });
  });

  it('answers never for a request larger than the token limit', () => {
    const store = new MemoryStore({ limits: { tokensPerMinute: 1_000 } });
    expect(store.tryAcquire(A, 1_001, T0)).toEqual({
      ok: false,
      retryAt: Number.POSITIVE_INFINITY,
      reason: 'never',
    });
  });

  describe('holds', () => {
    it('a hold in force answers first, and is gone once its time has come', () => {
      const store = new MemoryStore({ limits: { requestsPerMinute: 100 } });
      expect(store.holdOf(A, T0)).toBeUndefined();
      store.hold(A, { reason: 'cooling', until: T0 + 20_000 });
      expect(store.tryAcquire(A, 0, T0)).toEqual({
        ok: false,
        retryAt: T0 + 20_000,
        reason: 'cooling',
      });
      expect(store.holdOf(A, T0 + 19_999)).toEqual({ reason: 'cooling', until: T0 + 20_000 });
      expect(store.holdOf({ group: 'project-a', model: 'other' }, T0)).toBeUndefined();
      expect(store.holdOf(A, T0 + 20_000)).toBeUndefined();
      expect(store.tryAcquire(A, 0, T0 + 20_000).ok).toBe(true);
    });

    it('a shorter cooldown does not end a park; a longer hold replaces a shorter one', () => {
      const store = new MemoryStore();
      store.hold(A, { reason: 'parked', until: NEXT_MIDNIGHT });
      store.hold(A, { reason: 'cooling', until: T0 + 5_000 });
      expect(store.tryAcquire(A, 0, T0 + 10_000)).toEqual({
        ok: false,
        retryAt: NEXT_MIDNIGHT,
        reason: 'parked',
      });
      store.hold(A, { reason: 'cooling', until: NEXT_MIDNIGHT + 1 });
      expect(store.holdOf(A, T0)?.reason).toBe('cooling');
      // A hold that has lapsed is replaced by any new one.
      store.hold(A, { reason: 'parked', until: T0 + 1 });
      expect(store.holdOf(A, NEXT_MIDNIGHT + 1)).toBeUndefined();
      store.hold(A, { reason: 'cooling', until: NEXT_MIDNIGHT + 100 });
      expect(store.holdOf(A, NEXT_MIDNIGHT + 50)).toEqual({
        reason: 'cooling',
        until: NEXT_MIDNIGHT + 100,
      });
    });

    it('rejects a malformed hold', () => {
      const store = new MemoryStore();
      expect(() => store.hold(A, { reason: 'frozen' as never, until: T0 })).toThrow(
        InvalidOptionError,
      );
      expect(() => store.hold(A, { reason: 'cooling', until: Number.NaN })).toThrow(/`hold.until`/);
    });
  });

  describe('daily usage', () => {
    it('counts requests and tokens on the day in the store time zone, and resets at its midnight', () => {
      const store = new MemoryStore({ limits: { requestsPerDay: 3 } });
      expect(store.timeZone).toBe('America/Los_Angeles');
      expect(store.usageOn(A, T0)).toEqual({ requests: 0, tokens: 0 });
      ticketOf(store.tryAcquire(A, 100, T0));
      ticketOf(store.tryAcquire(A, 50, T0 + 1));
      expect(store.usageOn(A, T0 + 2)).toEqual({ requests: 2, tokens: 150 });
      expect(store.usageOn(A, NEXT_MIDNIGHT)).toEqual({ requests: 0, tokens: 0 });
      expect(store.usageOn(A, T0 - 86_400_000)).toEqual({ requests: 0, tokens: 0 });
      ticketOf(store.tryAcquire(A, 0, T0 + 2));
      expect(store.tryAcquire(A, 0, T0 + 3)).toEqual({
        ok: false,
        retryAt: NEXT_MIDNIGHT,
        reason: 'daily',
      });
      expect(store.tryAcquire(A, 0, NEXT_MIDNIGHT).ok).toBe(true);
      expect(store.usageOn(A, NEXT_MIDNIGHT)).toEqual({ requests: 1, tokens: 0 });
    });

    it('seeded usage counts against the request limit for the day that contains now only', () => {
      const store = new MemoryStore({ limits: { requestsPerDay: 10 } });
      store.seedDay(A, { requests: 8, tokens: 4_000 }, T0);
      expect(store.usageOn(A, T0)).toEqual({ requests: 8, tokens: 4_000 });
      expect(burst(store, A, T0 + 1)).toBe(2);
      expect(store.usageOn(A, T0 + 1)).toEqual({ requests: 10, tokens: 4_000 });
      // A seed for an earlier day changes nothing now.
      store.seedDay(A, { requests: 5, tokens: 5 }, T0 - 86_400_000);
      expect(store.usageOn(A, T0 + 1)).toEqual({ requests: 10, tokens: 4_000 });
      // The next day starts from zero.
      expect(burst(store, A, NEXT_MIDNIGHT)).toBe(10);
      // Seeding a later day moves the counter on to it.
      const other: QuotaTarget = { group: 'b', model: 'm' };
      store.seedDay(other, { requests: 9, tokens: 0 }, T0);
      store.seedDay(other, { requests: 3, tokens: 0 }, NEXT_MIDNIGHT + 1);
      expect(store.usageOn(other, NEXT_MIDNIGHT + 2)).toEqual({ requests: 3, tokens: 0 });
      expect(burst(store, other, NEXT_MIDNIGHT + 2)).toBe(7);
    });

    it('seeding is idempotent: the same report seeded twice counts once', () => {
      const store = new MemoryStore({ limits: { requestsPerDay: 10 } });
      store.seedDay(A, { requests: 6, tokens: 60 }, T0);
      store.seedDay(A, { requests: 6, tokens: 60 }, T0);
      expect(store.usageOn(A, T0)).toEqual({ requests: 6, tokens: 60 });
      store.seedDay(A, { requests: 4, tokens: 10 }, T0);
      expect(store.usageOn(A, T0)).toEqual({ requests: 6, tokens: 60 });
      expect(burst(store, A, T0 + 1)).toBe(4);
    });

    it('rejects negative or non-finite seeds', () => {
      const store = new MemoryStore();
      expect(() => store.seedDay(A, { requests: -1, tokens: 0 }, T0)).toThrow(/`usage.requests`/);
      expect(() => store.seedDay(A, { requests: 0, tokens: Number.NaN }, T0)).toThrow(
        /`usage.tokens`/,
      );
    });

    it('uses the configured time zone', () => {
      const store = new MemoryStore({ timeZone: 'Europe/Berlin', limits: { requestsPerDay: 1 } });
      ticketOf(store.tryAcquire(A, 0, Date.UTC(2026, 2, 29, 12)));
      expect(store.tryAcquire(A, 0, Date.UTC(2026, 2, 29, 13))).toEqual({
        ok: false,
        retryAt: Date.UTC(2026, 2, 29, 22),
        reason: 'daily',
      });
    });
  });

  describe('reconcile', () => {
    it('a corrected token count moves the next admission', () => {
      const store = new MemoryStore({ limits: { tokensPerMinute: 1_000 }, safetyMarginMs: 0 });
      const ticket = ticketOf(store.tryAcquire(A, 900, T0));
      expect(ticket).toMatchObject({ target: A, tokens: 900, at: T0 });
      expect(store.tryAcquire(A, 500, T0 + 1)).toEqual({
        ok: false,
        retryAt: T0 + 60_000,
        reason: 'window',
      });
      store.reconcile(ticket, 400, T0 + 2);
      expect(store.usageOn(A, T0 + 2)).toEqual({ requests: 1, tokens: 400 });
      expect(store.tryAcquire(A, 500, T0 + 3).ok).toBe(true);
      expect(store.tryAcquire(A, 101, T0 + 4)).toEqual({
        ok: false,
        retryAt: T0 + 60_000,
        reason: 'window',
      });
    });

    it('ignores tickets it did not issue', () => {
      const store = new MemoryStore({ limits: { tokensPerMinute: 1_000 } });
      expect(() => store.reconcile({ target: A, tokens: 5, at: T0 }, 10, T0)).not.toThrow();
    });

    it('tickets show no internals', () => {
      const store = new MemoryStore({ limits: { tokensPerMinute: 1_000 } });
      const ticket = ticketOf(store.tryAcquire(A, 7, T0));
      expect(JSON.parse(JSON.stringify(ticket))).toEqual({ target: A, tokens: 7, at: T0 });
      expect(inspect(ticket)).not.toContain('Float64Array');
    });
  });

  it('disables keys for good, keeping the first reason', () => {
    const store = new MemoryStore();
    expect(store.disabledReason('GEMINI_API_KEY_1')).toBeUndefined();
    store.disableKey('GEMINI_API_KEY_1', 'API_KEY_INVALID');
    store.disableKey('GEMINI_API_KEY_1', 'PERMISSION_DENIED');
    expect(store.disabledReason('GEMINI_API_KEY_1')).toBe('API_KEY_INVALID');
    expect(store.disabledReason('GEMINI_API_KEY_2')).toBeUndefined();
  });

  describe('options are validated at construction', () => {
    function optionOf(run: () => unknown): string {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionError);
        return (error as InvalidOptionError).option;
      }
      throw new Error('expected an InvalidOptionError');
    }

    it('names the rule and field of a bad limit', () => {
      for (const bad of [0, -3, Number.NaN, 2.5, Number.POSITIVE_INFINITY]) {
        expect(
          optionOf(
            () =>
              new MemoryStore({
                limits: [{ requestsPerMinute: 1 }, { model: 'm' }, { requestsPerMinute: bad }],
              }),
          ),
        ).toBe('limits[2].requestsPerMinute');
        expect(optionOf(() => new MemoryStore({ limits: { requestsPerDay: bad } }))).toBe(
          'limits.requestsPerDay',
        );
        expect(
          optionOf(() => new MemoryStore({ limits: [{ windows: [{ tokens: 1, per: bad }] }] })),
        ).toBe('limits[0].windows[0].per');
      }
    });

    it('names a bad time zone, safety margin, rule target or a duplicate rule', () => {
      expect(optionOf(() => new MemoryStore({ timeZone: 'America/Atlantis' }))).toBe('timeZone');
      expect(optionOf(() => new MemoryStore({ safetyMarginMs: -1 }))).toBe('safetyMarginMs');
      expect(optionOf(() => new MemoryStore({ limits: [{ group: '' }] }))).toBe('limits[0].group');
      expect(optionOf(() => new MemoryStore({ limits: [{ model: 7 as never }] }))).toBe(
        'limits[0].model',
      );
      expect(
        optionOf(
          () =>
            new MemoryStore({
              limits: [
                { model: 'm', requestsPerMinute: 1 },
                { model: 'm', requestsPerDay: 5 },
              ],
            }),
        ),
      ).toBe('limits[1]');
      expect(() => new MemoryStore({ timeZone: 'Mars/Base' })).toThrow(
        'Invalid option `timeZone`: expected an IANA time zone name',
      );
    });

    it('rejects a negative or non-finite token estimate', () => {
      const store = new MemoryStore();
      expect(() => store.tryAcquire(A, -1, T0)).toThrow(InvalidOptionError);
      expect(() => store.tryAcquire(A, Number.NaN, T0)).toThrow(InvalidOptionError);
    });
  });
});
