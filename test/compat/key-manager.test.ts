import { join } from 'node:path';
import { lastValueFrom, of, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { startOfNextDay } from '../../src/budget/index.js';
import { KeyManager, NoKeyAvailableError } from '../../src/compat/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { KeyPool, type KeyPoolOptions } from '../../src/pool/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/index.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { MARCH_8_LA_10AM, ManualClock } from './helpers.js';

let dir: string;
tempDirPerTest('keyrelay-compat-', (created) => {
  dir = created;
});

const KEYS = [
  { name: 'A1', secret: 'secret-a1', group: 'project-a' },
  { name: 'A2', secret: 'secret-a2', group: 'project-a' },
  { name: 'B1', secret: 'secret-b1', group: 'project-b' },
];

function manager(options: KeyPoolOptions, clock = new ManualClock(MARCH_8_LA_10AM)) {
  const pool = KeyPool.fromKeys('gemini', KEYS, options);
  const keyManager = new KeyManager({
    pool,
    reportsDir: join(dir, 'reports'),
    scheduler: clock,
    flushOnSignals: false,
  });
  return { pool, keyManager, clock };
}

const names = (keyManager: KeyManager, n: number) =>
  Array.from({ length: n }, () => keyManager.getNextKey()[0]);

describe('KeyManager.getNextKey', () => {
  it('goes round-robin over every key while budgets allow', async () => {
    const { keyManager } = manager({});
    expect(names(keyManager, 7)).toEqual(['A1', 'A2', 'B1', 'A1', 'A2', 'B1', 'A1']);
    await keyManager.close();
  });

  it("skips keys whose quota group has spent the day's budget, and says when it resets", async () => {
    const { keyManager, clock } = manager({ limits: { requestsPerDay: 2 } });
    // project-a (A1, A2) has 2 a day, project-b (B1) has 2 a day.
    expect(names(keyManager, 4)).toEqual(['A1', 'A2', 'B1', 'B1']);
    let error: unknown;
    try {
      keyManager.getNextKey();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NoKeyAvailableError);
    const noKey = error as NoKeyAvailableError;
    expect(noKey.reason).toBe('daily');
    expect(noKey.retryAt).toBe(startOfNextDay(clock.now(), 'America/Los_Angeles'));
    expect(noKey.message).toMatch(/2 spent for the day/);
    expect(noKey.message).toMatch(/2026-03-09 00:00:00 America\/Los_Angeles \(in 14 h 0 min\)/);
    expect(noKey.message).not.toMatch(/secret/);

    clock.at = noKey.retryAt; // the next day: full budgets again
    expect(names(keyManager, 4).sort()).toEqual(['A1', 'A2', 'B1', 'B1']);
    await keyManager.close();
  });

  it('skips a group at its per-minute limit until its window frees up', async () => {
    const { keyManager, clock } = manager({ limits: { windows: [{ requests: 1, per: 1000 }] } });
    expect(names(keyManager, 2)).toEqual(['A1', 'B1']);
    expect(() => keyManager.getNextKey()).toThrow(NoKeyAvailableError);
    try {
      keyManager.getNextKey();
    } catch (error) {
      expect((error as NoKeyAvailableError).reason).toBe('window');
      // the window is 1000 ms plus the default safety margin of ceil(1000 / 50) = 20 ms
      expect((error as NoKeyAvailableError).retryAt).toBe(clock.now() + 1020);
    }
    clock.at += 1020;
    // the cursor stands after B1, the last key handed out
    expect(names(keyManager, 2)).toEqual(['A1', 'B1']);
    await keyManager.close();
  });

  it('cools a group after reportRateLimited, parks it after a per-day 429', async () => {
    const { keyManager, clock } = manager({});
    keyManager.reportRateLimited('A1', { retryAfterMs: 5000 });
    expect(names(keyManager, 3)).toEqual(['B1', 'B1', 'B1']);
    clock.at += 5000;
    expect(names(keyManager, 2)).toEqual(['A1', 'A2']);
    keyManager.reportRateLimited('B1', { perDay: true });
    expect(names(keyManager, 2)).toEqual(['A1', 'A2']);
    const report = keyManager.getUsageReport();
    expect(report.A1?.rateLimited).toBe(1);
    expect(report.B1?.state).toMatchObject({ state: 'parked' });
    await keyManager.close();
  });

  it('counts outcomes reported by hand', async () => {
    const { keyManager } = manager({});
    const [name] = keyManager.getNextKey();
    keyManager.recordOutcome(name, { success: true, inputTokens: 10, outputTokens: 5 });
    const [other] = keyManager.getNextKey();
    keyManager.recordOutcome(other, { success: false, kind: 'transient' });
    const report = keyManager.getUsageReport();
    expect(report.A1).toMatchObject({ totalCalls: 1, successes: 1, inputTokens: 10, cost: 15 });
    expect(report.A2).toMatchObject({ totalCalls: 1, successes: 0, failures: { transient: 1 } });
    expect(() => keyManager.recordOutcome('nope', { success: true })).toThrow(InvalidOptionError);
    await keyManager.close();
  });

  it('nextKey() is the same for any store, shared ones included', async () => {
    const { keyManager } = manager({ limits: { requestsPerDay: 1 } });
    expect((await keyManager.nextKey())[0]).toBe('A1');
    expect((await keyManager.nextKey())[0]).toBe('B1');
    await expect(keyManager.nextKey()).rejects.toBeInstanceOf(NoKeyAvailableError);
    await keyManager.close();
    await expect(keyManager.nextKey()).rejects.toThrow(/after close/);
  });

  it('says when every key is disabled', async () => {
    const { keyManager, pool } = manager({});
    for (const key of KEYS) pool.store.disableKey(key.name, 'API_KEY_INVALID');
    expect(() => keyManager.getNextKey()).toThrow(/Every gemini key is disabled/);
    await keyManager.close();
  });

  it('shares budgets, cursor and usage$ with schedule() on the same pool', async () => {
    const { keyManager, pool, clock } = manager({ limits: { requestsPerDay: 2 } });
    const events: UsageEvent[] = [];
    pool.usage$.subscribe((event) => events.push(event));
    expect(keyManager.getNextKey()[0]).toBe('A1');
    // schedule() continues the same round-robin on the same budgets: project-a has one left.
    const results = await lastValueFrom(
      of(...[1, 2, 3].map((id) => ({ id, model: 'gemini-2.0-flash' }))).pipe(
        schedule(pool, () => Promise.resolve('ok'), {
          onDailyExhaustion: 'fail',
          scheduler: clock,
        }),
        take(3),
        toArray(),
      ),
    );
    expect(results.map((r) => (r.ok ? r.key : r.error.kind))).toEqual(['A2', 'B1', 'B1']);
    expect(events.filter((e) => e.type === 'dispatched').map((e) => e.key)).toEqual([
      'A1',
      'A2',
      'B1',
      'B1',
    ]);
    expect(keyManager.getDailyReport().totals.totalCalls).toBe(4);
    expect(() => keyManager.getNextKey()).toThrow(NoKeyAvailableError);
    await keyManager.close();
  });
});
