import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { writeReportAtomic } from '../../src/usage/atomic-write.js';
import { emptyCounters } from '../../src/usage/counters.js';
import { loadDayUsage, quotaUsageOf } from '../../src/usage/day-usage.js';
import { getHistoricalReport } from '../../src/usage/history.js';
import { reportId } from '../../src/usage/report.js';
import { reportPath } from '../../src/usage/report-path.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { calls, ev, LA, reduceAll } from './helpers.js';

let dir: string;
tempDirPerTest('keyrelay-usage-', (created) => {
  dir = created;
});

/** Noon in Los Angeles on a date. */
const noon = (date: string) => Date.parse(`${date}T12:00:00-07:00`);

async function writeDay(date: string, events: ReturnType<typeof calls>) {
  const report = reduceAll(events, LA).reports[reportId('gemini', date)]!;
  await writeReportAtomic(reportPath(dir, 'gemini', date), report);
}

describe('getHistoricalReport', () => {
  it('returns the last N days oldest first, missing and corrupt days as zeros, with per-key totals', async () => {
    await writeDay('2026-05-01', calls(2, { key: 'K1', at: noon('2026-05-01') }));
    await writeDay('2026-05-03', [
      ...calls(3, { key: 'K1', at: noon('2026-05-03') }),
      ev.dispatched({ key: 'K2', at: noon('2026-05-03') }),
      ev.failed({ key: 'K2', at: noon('2026-05-03') }, 'transient'),
    ]);
    await writeDay('2026-05-05', calls(1, { key: 'K2', at: noon('2026-05-05') }));
    await writeFile(reportPath(dir, 'gemini', '2026-05-04'), 'not json');
    await writeDay('2026-04-28', calls(9, { key: 'K1', at: noon('2026-04-28') })); // outside the period
    const warnings: string[] = [];

    const history = await getHistoricalReport({
      dir,
      service: 'gemini',
      days: 7,
      today: '2026-05-05',
      timeZone: LA,
      onWarning: (m) => warnings.push(m),
    });

    expect(history.days.map((d) => d.date)).toEqual([
      '2026-04-29',
      '2026-04-30',
      '2026-05-01',
      '2026-05-02',
      '2026-05-03',
      '2026-05-04',
      '2026-05-05',
    ]);
    expect(history.days.map((d) => d.totals.totalCalls)).toEqual([0, 0, 2, 0, 4, 0, 1]);
    expect(history.days[0]).toEqual({ date: '2026-04-29', totals: emptyCounters(), keys: {} });
    expect(history.keys.K1).toMatchObject({ totalCalls: 5, successes: 5 });
    expect(history.keys.K2).toMatchObject({
      totalCalls: 2,
      successes: 1,
      failures: { transient: 1 },
    });
    expect(history.totals).toMatchObject({
      totalCalls: 7,
      successes: 6,
      failures: { transient: 1 },
    });
    expect(history.totals.firstUsedAt).toBe(new Date(noon('2026-05-01')).toISOString());
    expect(warnings).toHaveLength(1);
  });

  it('validates days and today', async () => {
    await expect(getHistoricalReport({ dir, service: 'gemini', days: 0 })).rejects.toBeInstanceOf(
      InvalidOptionError,
    );
    await expect(
      getHistoricalReport({ dir, service: 'gemini', days: 2, today: 'monday' }),
    ).rejects.toThrow(/today/);
    const history = await getHistoricalReport({ dir, service: 'gemini', days: 2 });
    expect(history.days).toHaveLength(2);
  });
});

describe('loadDayUsage', () => {
  it("seeds from today's report only", async () => {
    await writeDay('2026-05-01', calls(4, { at: noon('2026-05-01') }));
    const today = await loadDayUsage({ dir, service: 'gemini', date: '2026-05-01' });
    expect(today.report?.totals.totalCalls).toBe(4);
    expect(quotaUsageOf(today.quota, 'project-a', 'gemini-2.0-flash')).toEqual({
      requests: 4,
      inputTokens: 40,
    });
    const tomorrow = await loadDayUsage({ dir, service: 'gemini', date: '2026-05-02' });
    expect(tomorrow).toEqual({ report: undefined, quota: {} });
    expect(quotaUsageOf(tomorrow.quota, 'project-a', 'gemini-2.0-flash')).toEqual({
      requests: 0,
      inputTokens: 0,
    });
  });
});
