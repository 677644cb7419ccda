import { describe, expect, it } from 'vitest';
import { createDayOf } from '../../src/mock/calendar.js';
import { formatRetryDelay } from '../../src/mock/error-bodies.js';
import { QuotaState } from '../../src/mock/quota.js';

describe('createDayOf', () => {
  it('gives the calendar day in the zone, across DST and for non-hour offsets', () => {
    const la = createDayOf('America/Los_Angeles');
    expect(la(Date.parse('2024-03-11T06:59:59.999Z'))).toBe('2024-03-10');
    expect(la(Date.parse('2024-03-11T07:00:00Z'))).toBe('2024-03-11');
    expect(la(Date.parse('2024-11-04T07:59:59.999Z'))).toBe('2024-11-03');
    expect(la(Date.parse('2024-11-04T08:00:00Z'))).toBe('2024-11-04');
    const nepal = createDayOf('Asia/Kathmandu'); // UTC+05:45
    expect(nepal(Date.parse('2024-01-15T18:14:59.999Z'))).toBe('2024-01-15');
    expect(nepal(Date.parse('2024-01-15T18:15:00Z'))).toBe('2024-01-16');
    // Cached answers stay right when time goes back and forth.
    expect(nepal(Date.parse('2024-01-15T18:14:00Z'))).toBe('2024-01-15');
  });
});

describe('formatRetryDelay', () => {
  it('formats seconds like Gemini, rounded up to the millisecond', () => {
    expect(formatRetryDelay(20_000)).toBe('20s');
    expect(formatRetryDelay(45_830)).toBe('45.83s');
    expect(formatRetryDelay(0.2)).toBe('0.001s');
    expect(formatRetryDelay(1234.0001)).toBe('1.235s');
  });
});

describe('QuotaState', () => {
  it('keeps memory flat over many windows', () => {
    const quota = new QuotaState({
      rpm: 5,
      tpm: Number.POSITIVE_INFINITY,
      rpd: Number.POSITIVE_INFINITY,
      windowMs: 10,
    });
    let admitted = 0;
    for (let t = 0; t < 100_000; t++) if (quota.admit(t, 1, 'd') === undefined) admitted++;
    expect(admitted).toBe(50_000); // 5 per 10 ms
  });

  it('reports a request larger than tpm as a TPM rejection', () => {
    const quota = new QuotaState({
      rpm: Number.POSITIVE_INFINITY,
      tpm: 10,
      rpd: Number.POSITIVE_INFINITY,
      windowMs: 1000,
    });
    expect(quota.admit(0, 11, 'd')).toEqual({ dimension: 'tpm', limit: 10, retryDelayMs: 1000 });
  });
});
