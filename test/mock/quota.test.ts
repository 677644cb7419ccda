import { describe, expect, it } from 'vitest';
import { bodyOf, generate, manualClock, quotaIdOf, retryDelayMs, sleep, start } from './helpers.js';

const RPM_ID = 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier';
const RPD_ID = 'GenerateRequestsPerDayPerProjectPerModel-FreeTier';
const TPM_ID = 'GenerateContentInputTokensPerModelPerMinute-FreeTier';

describe('RPM: an exact sliding window of arrival times', () => {
  it('admits rpm requests per window and frees a slot when the oldest leaves it', async () => {
    const clock = manualClock();
    const server = await start({
      keys: [{ key: 'k1', project: 'p' }],
      limits: { rpm: 3, windowMs: 1000 },
      now: clock.now,
    });
    const t0 = clock.ms;
    const statuses: number[] = [];
    for (const at of [0, 400, 800]) {
      clock.ms = t0 + at;
      statuses.push((await generate(server, { key: 'k1' })).status);
    }
    expect(statuses).toEqual([200, 200, 200]);

    clock.advance(100); // t = 900
    const refused = await generate(server, { key: 'k1' });
    expect(refused.status).toBe(429);
    expect(quotaIdOf(refused.json)).toBe(RPM_ID);
    expect(retryDelayMs(refused.json)).toBe(100);

    clock.advance(99); // t = 999: the request at 0 is still in the window
    const stillRefused = await generate(server, { key: 'k1' });
    expect(stillRefused.status).toBe(429);
    expect(retryDelayMs(stillRefused.json)).toBe(1);

    clock.advance(1); // t = 1000: it has left
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    const next = await generate(server, { key: 'k1' });
    expect(next.status).toBe(429);
    expect(retryDelayMs(next.json)).toBe(400); // the request at 400 leaves at 1400
  });

  it('does not count refused requests', async () => {
    const clock = manualClock();
    const server = await start({
      keys: [{ key: 'k1', project: 'p' }],
      limits: { rpm: 1, windowMs: 1000 },
      now: clock.now,
    });
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      expect((await generate(server, { key: 'k1' })).status).toBe(429);
    }
    clock.advance(500); // t = 1000: only the first request counted
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    expect(server.log.map((e) => e.outcome)).toEqual([
      'ok',
      ...Array(5).fill('rate_limited_rpm'),
      'ok',
    ]);
  });

  it('counts per project and model: keys of one project share, other projects and models do not', async () => {
    const clock = manualClock();
    const server = await start({
      keys: [
        { key: 'a1', project: 'A' },
        { key: 'a2', project: 'A' },
        { key: 'b1', project: 'B' },
      ],
      limits: { 'gemini-2.0-flash': { rpm: 1, windowMs: 1000 }, '*': { rpm: 2, windowMs: 1000 } },
      now: clock.now,
    });
    expect((await generate(server, { key: 'a1' })).status).toBe(200);
    expect((await generate(server, { key: 'a2' })).status).toBe(429);
    expect((await generate(server, { key: 'b1' })).status).toBe(200);
    // Another model has its own budget, with the '*' limits.
    const other = { model: 'gemini-1.5-pro' };
    expect((await generate(server, { key: 'a2', ...other })).status).toBe(200);
    expect((await generate(server, { key: 'a1', ...other })).status).toBe(200);
    const third = await generate(server, { key: 'a1', ...other });
    expect(third.status).toBe(429);
    const failure = third.json.error.details?.[0] as unknown as {
      violations: Array<{ quotaValue: string; quotaDimensions: { model: string } }>;
    };
    expect(failure.violations[0]?.quotaValue).toBe('2');
    expect(failure.violations[0]?.quotaDimensions.model).toBe('gemini-1.5-pro');
  });

  it('with the real clock, a client that waits retryDelay is admitted', async () => {
    const server = await start({
      keys: [{ key: 'k1', project: 'p' }],
      limits: { rpm: 2, windowMs: 300 },
    });
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    const refused = await generate(server, { key: 'k1' });
    expect(refused.status).toBe(429);
    const delay = retryDelayMs(refused.json);
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(300);
    await sleep(delay);
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
  });
});

describe('TPM: input tokens in the same sliding window', () => {
  it('refuses when the window would exceed tpm and says when enough tokens leave', async () => {
    const clock = manualClock();
    const t0 = clock.ms;
    const server = await start({
      keys: [{ key: 'k1', project: 'p' }],
      limits: { tpm: 10, windowMs: 1000 },
      now: clock.now,
    });
    const four = bodyOf('x'.repeat(16)); // 4 tokens
    const eight = bodyOf('x'.repeat(32)); // 8 tokens
    expect((await generate(server, { key: 'k1', body: four })).status).toBe(200);
    clock.ms = t0 + 100;
    expect((await generate(server, { key: 'k1', body: four })).status).toBe(200);
    clock.ms = t0 + 200;
    // 4 + 4 + 8 > 10; it fits only once both earlier requests have left (at 1100).
    const refused = await generate(server, { key: 'k1', body: eight });
    expect(refused.status).toBe(429);
    expect(quotaIdOf(refused.json)).toBe(TPM_ID);
    expect(refused.json.error.message).toContain('input_token_count');
    expect(retryDelayMs(refused.json)).toBe(900);
    // A small request still fits: 4 + 4 + 1 <= 10.
    expect((await generate(server, { key: 'k1', body: bodyOf('hi') })).status).toBe(200);
    clock.ms = t0 + 1100;
    expect((await generate(server, { key: 'k1', body: eight })).status).toBe(200);
    expect(server.log.map((e) => e.inputTokens)).toEqual([4, 4, 8, 1, 8]);
  });

  it('counts systemInstruction text as input', async () => {
    const server = await start({ keys: [{ key: 'k1', project: 'p' }] });
    await generate(server, {
      key: 'k1',
      body: {
        ...(bodyOf('x'.repeat(8)) as object),
        systemInstruction: { parts: [{ text: 'y'.repeat(8) }] },
      },
    });
    expect(server.log[0]?.inputTokens).toBe(4);
  });
});

describe('RPD: calendar days in the time zone', () => {
  async function dailyServer(startIso: string, timeZone?: string) {
    const clock = manualClock(Date.parse(startIso));
    const server = await start({
      keys: [{ key: 'k1', project: 'p' }],
      limits: { rpd: 2 },
      now: clock.now,
      ...(timeZone === undefined ? {} : { timeZone }),
    });
    return { clock, server };
  }

  it('resets at midnight Pacific time, and a per-day 429 still has a short retryDelay', async () => {
    const { clock, server } = await dailyServer('2024-01-15T23:58:00-08:00');
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    clock.advance(60_000);
    const refused = await generate(server, { key: 'k1' });
    expect(refused.status).toBe(429);
    expect(quotaIdOf(refused.json)).toBe(RPD_ID);
    expect(retryDelayMs(refused.json)).toBeLessThanOrEqual(60_000);
    clock.ms = Date.parse('2024-01-16T00:00:00-08:00');
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
    expect(server.log.map((e) => e.outcome)).toEqual(['ok', 'ok', 'rate_limited_rpd', 'ok']);
  });

  it('handles the 23-hour day when daylight saving starts', async () => {
    // 2024-03-10 in Los Angeles starts at 08:00Z and ends at 07:00Z the next day.
    const { clock, server } = await dailyServer('2024-03-10T00:30:00-08:00');
    await generate(server, { key: 'k1' });
    await generate(server, { key: 'k1' });
    clock.ms = Date.parse('2024-03-10T23:59:59-07:00');
    expect((await generate(server, { key: 'k1' })).status).toBe(429);
    clock.ms = Date.parse('2024-03-11T07:00:00Z'); // midnight PDT
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
  });

  it('handles the 25-hour day when daylight saving ends', async () => {
    // 2024-11-03 in Los Angeles runs from 07:00Z to 08:00Z the next day.
    const { clock, server } = await dailyServer('2024-11-03T00:30:00-07:00');
    await generate(server, { key: 'k1' });
    await generate(server, { key: 'k1' });
    clock.ms = Date.parse('2024-11-04T07:30:00Z'); // 23:30 PST, still Nov 3
    expect((await generate(server, { key: 'k1' })).status).toBe(429);
    clock.ms = Date.parse('2024-11-04T08:00:00Z'); // midnight PST
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
  });

  it('uses the configured time zone', async () => {
    const { clock, server } = await dailyServer('2024-01-15T23:59:00Z', 'UTC');
    await generate(server, { key: 'k1' });
    await generate(server, { key: 'k1' });
    expect((await generate(server, { key: 'k1' })).status).toBe(429);
    clock.ms = Date.parse('2024-01-16T00:00:00Z');
    expect((await generate(server, { key: 'k1' })).status).toBe(200);
  });
});
