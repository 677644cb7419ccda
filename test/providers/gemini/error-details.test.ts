import { describe, expect, it } from 'vitest';
import {
  durationToMs,
  findDetails,
  isPerDayQuotaId,
  parseErrorBody,
  quotaIdsOf,
  retryDelayMsOf,
} from '../../../src/providers/gemini/index.js';
import { PER_DAY_429, TPM_429 } from './fixtures.js';

describe('durationToMs', () => {
  it.each([
    ['20s', 20_000],
    ['45.83s', 45_830],
    ['1.5s', 1500],
    ['0.0001s', 1],
    ['0s', 0],
    ['250ms', 250],
    [{ seconds: 2 }, 2000],
    [{ seconds: '3', nanos: 250_000_000 }, 3250],
    [{ nanos: 1 }, 1],
    [7, 7000],
  ])('%j → %i ms', (value, ms) => {
    expect(durationToMs(value)).toBe(ms);
  });

  it.each([undefined, null, '', 'soon', '-1s', {}, { seconds: 'x' }, Number.NaN, -2])(
    '%j → undefined',
    (value) => {
      expect(durationToMs(value)).toBeUndefined();
    },
  );
});

describe('error details', () => {
  const details = PER_DAY_429.error.details as Record<string, unknown>[];

  it('finds details by @type suffix', () => {
    expect(findDetails(details, 'google.rpc.RetryInfo')).toHaveLength(1);
    expect(findDetails(details, 'google.rpc.ErrorInfo')).toHaveLength(0);
    expect(findDetails([{ '@type': 'google.rpc.RetryInfo' }], 'google.rpc.RetryInfo')).toHaveLength(
      1,
    );
    expect(
      findDetails([{ '@type': 'x/not.google.rpc.RetryInfo' }], 'google.rpc.RetryInfo'),
    ).toHaveLength(0);
  });

  it('reads quota ids and the retry delay', () => {
    expect(quotaIdsOf(details)).toEqual(['GenerateRequestsPerDayPerProjectPerModel-FreeTier']);
    expect(quotaIdsOf(TPM_429.error.details as Record<string, unknown>[])).toEqual([
      'GenerateContentInputTokensPerModelPerMinute-FreeTier',
    ]);
    expect(retryDelayMsOf(details)).toBe(20_000);
    expect(retryDelayMsOf([])).toBeUndefined();
  });

  it('tells per-day quota ids', () => {
    expect(isPerDayQuotaId('GenerateRequestsPerDayPerProjectPerModel-FreeTier')).toBe(true);
    expect(isPerDayQuotaId('GenerateRequestsPerMinutePerProjectPerModel-FreeTier')).toBe(false);
    expect(isPerDayQuotaId('GenerateContentInputTokensPerModelPerMinute-FreeTier')).toBe(false);
  });

  it('parses bodies defensively', () => {
    expect(parseErrorBody(JSON.stringify(PER_DAY_429))).toMatchObject({
      code: 429,
      status: 'RESOURCE_EXHAUSTED',
    });
    expect(parseErrorBody('prefix: {"error":{"code":503,"message":"m"}}')).toMatchObject({
      code: 503,
      message: 'm',
      details: [],
    });
    expect(parseErrorBody('[{"error":{"code":400,"details":"x"}}]')).toMatchObject({
      code: 400,
      details: [],
    });
    expect(parseErrorBody('not json')).toBeUndefined();
    expect(parseErrorBody('{broken')).toBeUndefined();
    expect(parseErrorBody('"str"')).toBeUndefined();
  });
});
