import { describe, expect, it } from 'vitest';
import type { MockFaults } from '../../src/mock/index.js';
import { generate, manualClock, post, quotaIdOf, retryDelayMs, sleep, start } from './helpers.js';

const KEYS = [
  { key: 'k-a', project: 'p', name: 'a' },
  { key: 'k-b', project: 'p', name: 'b' },
];

async function outcomes(seed: number, faults: MockFaults, count: number): Promise<string[]> {
  const server = await start({ keys: KEYS, faults, seed });
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      // Concurrent: the PRNG follows arrival order, and so does the log.
      await sleep(i % 5);
      await post(server, { key: 'k-a' }).then(
        (r) => r.text(),
        () => undefined,
      );
    }),
  );
  return server.log.map((e) => e.outcome);
}

describe('faults', () => {
  it('are drawn from a seeded PRNG: the same seed gives the same outcomes', async () => {
    const faults = { overloadedRate: 0.3, internalErrorRate: 0.2, dropRate: 0.1 };
    const first = await outcomes(7, faults, 40);
    const again = await outcomes(7, faults, 40);
    const other = await outcomes(8, faults, 40);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const kind of ['ok', 'overloaded', 'internal', 'dropped']) expect(first).toContain(kind);
  });

  it('answer 503 UNAVAILABLE and 500 INTERNAL with the real bodies, not counted against quota', async () => {
    const server = await start({ keys: KEYS, limits: { rpm: 1 } });
    server.injectNext({ kind: 'overloaded' });
    server.injectNext({ kind: 'internal' });
    const overloaded = await generate(server, { key: 'k-a' });
    expect(overloaded.status).toBe(503);
    expect(overloaded.json).toEqual({
      error: {
        code: 503,
        message: 'The model is overloaded. Please try again later.',
        status: 'UNAVAILABLE',
      },
    });
    const internal = await generate(server, { key: 'k-a' });
    expect(internal.status).toBe(500);
    expect(internal.json.error.status).toBe('INTERNAL');
    expect(internal.json.error.message).toBe(
      'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
    );
    expect((await generate(server, { key: 'k-a' })).status).toBe(200);
    expect(server.log.map((e) => e.outcome)).toEqual(['overloaded', 'internal', 'ok']);
  });

  it('injectNext forces a 429 of the chosen kind with the given retryDelay, on the chosen key only', async () => {
    const clock = manualClock();
    const server = await start({
      keys: KEYS,
      limits: { rpm: 15, rpd: 100, windowMs: 2000 },
      now: clock.now,
    });
    server.injectNext({ kind: 'rate_limited_rpd', key: 'b', retryDelayMs: 1500 });
    server.injectNext({ kind: 'rate_limited_rpm' });
    server.injectNext({ kind: 'rate_limited_tpm', retryDelayMs: 45_830 });
    // 'a' skips the fault queued for 'b' and takes the next one.
    const rpm = await generate(server, { key: 'k-a' });
    expect(quotaIdOf(rpm.json)).toBe('GenerateRequestsPerMinutePerProjectPerModel-FreeTier');
    expect(retryDelayMs(rpm.json)).toBe(2000); // default: the window
    const rpd = await generate(server, { key: 'k-b' });
    expect(rpd.status).toBe(429);
    expect(quotaIdOf(rpd.json)).toBe('GenerateRequestsPerDayPerProjectPerModel-FreeTier');
    expect(rpd.json.error.details?.at(-1)).toEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '1.5s',
    });
    const tpm = await generate(server, { key: 'k-b' });
    expect(tpm.json.error.details?.at(-1)?.retryDelay).toBe('45.83s');
    expect((await generate(server, { key: 'k-a' })).status).toBe(200);
    expect(server.log.map((e) => `${e.key}:${e.outcome}`)).toEqual([
      'a:rate_limited_rpm',
      'b:rate_limited_rpd',
      'b:rate_limited_tpm',
      'a:ok',
    ]);
  });

  it('a dropped request loses its connection without an answer; the server carries on', async () => {
    const server = await start({ keys: KEYS });
    server.injectNext({ kind: 'dropped' });
    await expect(post(server, { key: 'k-a' })).rejects.toThrow();
    expect((await generate(server, { key: 'k-a' })).status).toBe(200);
    expect(server.log.map((e) => [e.outcome, e.status])).toEqual([
      ['dropped', 0],
      ['ok', 200],
    ]);
  });

  it('a slow request is answered after slowMs; latency delays every answer', async () => {
    const server = await start({ keys: KEYS, faults: { slowMs: 300 }, latencyMs: [20, 30] });
    server.injectNext({ kind: 'slow' });
    let started = performance.now();
    expect((await generate(server, { key: 'k-a' })).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(315);
    started = performance.now();
    expect((await generate(server, { key: 'k-a' })).status).toBe(200);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(19);
    expect(elapsed).toBeLessThan(300);
  });

  it('a client that aborts while its answer is pending causes no crash, and close() does not wait for it', async () => {
    const server = await start({ keys: KEYS, faults: { slowRate: 1, slowMs: 10_000 } });
    const controller = new AbortController();
    const pending = post(server, { key: 'k-a', signal: controller.signal });
    await sleep(30);
    controller.abort();
    await expect(pending).rejects.toThrow();
    const another = post(server, { key: 'k-a' }).catch((error: unknown) => error);
    await sleep(30);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await another).toBeInstanceOf(Error);
    expect(server.log.map((e) => e.outcome)).toEqual(['ok', 'ok']);
  });
});
