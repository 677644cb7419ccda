import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { usageEventFromRecord } from '../../src/usage/record.js';
import { reduceAll } from './helpers.js';

const AT = Date.UTC(2023, 4, 25, 18);

describe("usageEventFromRecord (the seed's record_usage)", () => {
  it('turns a record into dispatched + succeeded / failed events for the same reducer', () => {
    const events = [
      ...usageEventFromRecord({
        service: 'gemini',
        keyName: 'default',
        success: true,
        cost: 1.0,
        at: AT,
      }),
      ...usageEventFromRecord({
        service: 'gemini',
        keyName: 'default',
        success: true,
        cost: 2.5,
        at: AT + 1,
      }),
      ...usageEventFromRecord({
        service: 'gemini',
        keyName: 'default',
        success: false,
        at: AT + 2,
      }),
      ...usageEventFromRecord({
        service: 'gemini',
        keyName: 'GEMINI_API_KEY_2',
        success: false,
        cost: 3,
        kind: 'transient',
        group: 'p',
        model: 'gemini-2.0-flash',
        at: AT + 3,
      }),
    ];
    expect(events.map((e) => e.type)).toEqual([
      'dispatched',
      'succeeded',
      'dispatched',
      'succeeded',
      'dispatched',
      'failed',
      'dispatched',
      'failed',
    ]);
    const report = reduceAll(events, 'America/Los_Angeles').reports['gemini_2023-05-25']!;
    expect(report.keys.default).toMatchObject({
      group: 'default',
      totalCalls: 3,
      successes: 2,
      failures: { permanent: 1 },
      cost: 3.5,
    });
    expect(report.keys.GEMINI_API_KEY_2).toMatchObject({
      group: 'p',
      failures: { transient: 1 },
      cost: 3,
    });
    // The seed's check: the sum of total calls over keys.
    expect(Object.values(report.keys).reduce((n, k) => n + k.totalCalls, 0)).toBe(4);
    expect(report.quota).toEqual({
      default: { unknown: { requests: 3, inputTokens: 0 } },
      p: { 'gemini-2.0-flash': { requests: 1, inputTokens: 0 } },
    });
  });

  it('rejects bad records with errors naming the field', () => {
    const base = { service: 'gemini', keyName: 'k', success: true, at: AT };
    expect(() => usageEventFromRecord({ ...base, cost: -1 })).toThrow(InvalidOptionError);
    expect(() => usageEventFromRecord({ ...base, cost: Number.NaN })).toThrow(/`cost`/);
    expect(() => usageEventFromRecord({ ...base, keyName: '' })).toThrow(/`keyName`/);
    expect(() => usageEventFromRecord({ ...base, at: Number.NaN })).toThrow(/`at`/);
  });
});
