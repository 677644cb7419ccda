import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayKeyOf } from '../../src/budget/index.js';
import { UsageTracker } from '../../src/compat/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { MARCH_8_LA_10AM, ManualClock } from './helpers.js';

let dir: string;
tempDirPerTest('keyrelay-compat-', (created) => {
  dir = created;
});

describe("the seed's Usage Tracking snippet", () => {
  it('records usage, reports per key, and reads history', async () => {
    const reportsDir = join(dir, 'reports', 'api_usage');
    // Create a tracker
    const tracker = new UsageTracker({ serviceName: 'gemini', reportsDir, flushOnSignals: false });

    // Record API usage
    tracker.recordUsage({
      keyName: 'default',
      success: true,
      cost: 1.0, // Optional: track tokens or other cost metrics
    });

    // Get usage report
    const report = tracker.getUsageReport();
    const total = Object.values(report).reduce((sum, k) => sum + k.totalCalls, 0);
    expect(`Total API calls today: ${total}`).toBe('Total API calls today: 1');
    expect(report.default).toMatchObject({ totalCalls: 1, successes: 1, cost: 1 });

    // Get historical usage (last 7 days)
    const historical = await tracker.getHistoricalReport({ days: 7 });
    expect(historical.days).toHaveLength(7);
    expect(historical.days.at(-1)?.date).toBe(dayKeyOf(Date.now(), 'America/Los_Angeles'));
    expect(historical.totals.totalCalls).toBe(1);
    expect(historical.keys.default?.cost).toBe(1);
    await tracker.close();
  });
});

describe('UsageTracker', () => {
  it('counts failures by kind, and a new tracker the same day starts from the file', async () => {
    const clock = new ManualClock(MARCH_8_LA_10AM);
    const options = { reportsDir: dir, scheduler: clock, flushOnSignals: false };
    const first = new UsageTracker(options);
    first.recordUsage({ keyName: 'k1', success: true, cost: 3, inputTokens: 2, outputTokens: 1 });
    first.recordUsage({ keyName: 'k1', success: false });
    first.recordUsage({ keyName: 'k2', success: false, kind: 'transient' });
    const path = await first.saveDailyReport();
    expect(path).toBe(join(dir, 'gemini_2026-03-08.json'));
    await first.close();
    expect(() => first.recordUsage({ keyName: 'k1', success: true })).toThrow(/after close/);

    const second = new UsageTracker(options);
    expect(second.getUsageReport().k1).toMatchObject({
      totalCalls: 2,
      successes: 1,
      failures: { permanent: 1 },
      cost: 3,
    });
    second.recordUsage({ keyName: 'k2', success: true });
    await second.close();
    const onDisk = JSON.parse(await readFile(path, 'utf8'));
    expect(onDisk.totals).toMatchObject({ totalCalls: 4, successes: 2 });
    expect(onDisk.keys.k2.failures).toEqual({ transient: 1 });
  });

  it('history has zeros for missing days and the days of other files', async () => {
    const clock = new ManualClock(MARCH_8_LA_10AM);
    const options = { reportsDir: dir, scheduler: clock, flushOnSignals: false };
    const tracker = new UsageTracker(options);
    tracker.recordUsage({ keyName: 'k1', success: true });
    await tracker.close();
    clock.at += 2 * 86_400_000; // 2026-03-10
    const later = new UsageTracker(options);
    later.recordUsage({ keyName: 'k1', success: true });
    later.recordUsage({ keyName: 'k1', success: true });
    const history = await later.getHistoricalReport({ days: 3 });
    expect(history.days.map((d) => [d.date, d.totals.totalCalls])).toEqual([
      ['2026-03-08', 1],
      ['2026-03-09', 0],
      ['2026-03-10', 2],
    ]);
    expect(later.getUsageReport().k1?.totalCalls).toBe(2);
    await expect(later.getHistoricalReport({ days: 0 })).rejects.toThrow(InvalidOptionError);
    await later.close();
  });

  it('moves a corrupt file aside with a warning and counts from zero', async () => {
    const clock = new ManualClock(MARCH_8_LA_10AM);
    await writeFile(join(dir, 'gemini_2026-03-08.json'), '{ torn');
    const warnings: string[] = [];
    const tracker = new UsageTracker({
      reportsDir: dir,
      scheduler: clock,
      flushOnSignals: false,
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not valid JSON.*moved to .*gemini_2026-03-08\.json\.corrupt-/);
    expect(tracker.getUsageReport()).toEqual({});
    expect(() => tracker.recordUsage({ keyName: '', success: true })).toThrow(InvalidOptionError);
    await tracker.close();
  });
});
