import { firstValueFrom, from, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { startOfNextDay } from '../../src/budget/index.js';
import { type MockGeminiServer, startMockGemini } from '../../src/mock/index.js';
import { KeyPool } from '../../src/pool/key-pool.js';
import { type GeminiRequest, geminiProvider } from '../../src/providers/gemini/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/events.js';

type Request = GeminiRequest & { readonly id: number };

let server: MockGeminiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEYS = [
  { key: 'mock-a1', project: 'project-a', name: 'A1' },
  { key: 'mock-a2', project: 'project-a', name: 'A2' },
  { key: 'mock-b1', project: 'project-b', name: 'B1' },
];

function poolFor(
  keys: readonly { key: string; project: string; name: string }[],
  limits: ConstructorParameters<typeof KeyPool>[2],
) {
  return KeyPool.fromKeys(
    'gemini',
    keys.map((k) => ({ name: k.name, secret: k.key, group: k.project })),
    limits,
  );
}

function requests(count: number): Request[] {
  return Array.from({ length: count }, (_, id) => ({
    id,
    prompt: `Question number ${id}: what is ${id} + ${id}?`,
  }));
}

describe('end to end: schedule() + the real SDKs + the local Gemini server', () => {
  it('answers a few hundred requests over two projects with no 429 from overspending, near the ceiling', async () => {
    const windowMs = 2000;
    const perWindow = 40;
    server = await startMockGemini({ keys: KEYS, limits: { rpm: perWindow, windowMs } });
    const provider = geminiProvider<Request>({ sdk: 'generative-ai', baseUrl: server.url });
    // Open the connections and warm the SDK up with one burst, then let the server's window empty.
    await firstValueFrom(from(requests(40)).pipe(schedule(poolFor(KEYS, {}), provider), toArray()));
    await new Promise((resolve) => setTimeout(resolve, windowMs + 100));
    server.resetLog();

    // The server's budget, plus a pacing window: a burst of 40 sent at once reaches the server
    // spread over ~200 ms here (2 cores shared with other test files, client and server in one
    // process); in bursts of 5 it arrives within a few tens of ms. The margin covers that
    // transit spread (the server counts arrivals): 150 ms on a 2 s window.
    const marginMs = 150;
    const pool = poolFor(KEYS, {
      limits: {
        windows: [
          { requests: perWindow, per: windowMs },
          { requests: 5, per: (5 * windowMs) / perWindow, marginMs: 0 },
        ],
      },
      safetyMarginMs: marginMs,
    });
    const dispatched: number[] = [];
    pool.usage$.subscribe((event) => {
      if (event.type === 'dispatched') dispatched.push(event.at);
    });
    const count = 300;
    const results = await firstValueFrom(
      from(requests(count)).pipe(schedule(pool, provider), toArray()),
    );

    expect(results.filter((r) => r.ok)).toHaveLength(count);
    expect(new Set(results.map((r) => r.request.id)).size).toBe(count);
    const log = server.log.filter((entry) => entry.method === 'generateContent');
    expect(log.filter((entry) => entry.status === 429)).toEqual([]);
    expect(log).toHaveLength(count);
    for (const project of ['project-a', 'project-b']) {
      const arrivals = log.filter((entry) => entry.project === project).map((entry) => entry.at);
      for (const at of arrivals) {
        expect(arrivals.filter((t) => t >= at && t < at + windowMs).length).toBeLessThanOrEqual(
          perWindow,
        );
      }
    }
    // The ceiling the limits allow: 2 projects × 40 requests per (2 s + margin).
    const ceiling = (2 * perWindow) / (windowMs + marginMs);
    const rate = (count - 1) / (dispatched.at(-1)! - dispatched[0]!);
    // (A run shorter than a few windows may beat it slightly: its last window is not full.)
    expect(rate / ceiling).toBeGreaterThan(0.95);
  }, 30_000);

  it('disables a key the server does not know after its first answer and finishes on the others', async () => {
    server = await startMockGemini({ keys: KEYS });
    const pool = poolFor(
      [{ key: 'not-a-real-key', project: 'project-x', name: 'BAD' }, ...KEYS],
      {},
    );
    const events: UsageEvent[] = [];
    pool.usage$.subscribe((event) => events.push(event));
    const results = await firstValueFrom(
      from(requests(20)).pipe(
        schedule(pool, geminiProvider<Request>({ sdk: 'genai', baseUrl: server.url })),
        toArray(),
      ),
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const disabled = events.filter((event) => event.type === 'disabled');
    expect(disabled.map((event) => event.key)).toEqual(['BAD']);
    // Requests already in flight on it were answered 400 too; none was sent on it after its first answer.
    const rejected = server.log.filter((entry) => entry.outcome === 'invalid_key');
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    const sentOnBad = events.filter((event) => event.type === 'dispatched' && event.key === 'BAD');
    expect(sentOnBad.every((event) => event.at <= disabled[0]!.at)).toBe(true);
    expect(sentOnBad).toHaveLength(rejected.length);
    expect(JSON.stringify(events)).not.toContain('not-a-real-key');
  });

  it('parks a project whose daily quota ran out until the next Pacific midnight instead of hammering it', async () => {
    server = await startMockGemini({ keys: KEYS, limits: { rpd: 4 } });
    // The client does not know the daily limit: it learns it from the per-day 429.
    const pool = poolFor(KEYS, {});
    const events: UsageEvent[] = [];
    pool.usage$.subscribe((event) => events.push(event));
    const results = await firstValueFrom(
      from(requests(8)).pipe(
        schedule(pool, geminiProvider<Request>({ sdk: 'generative-ai', baseUrl: server.url }), {
          concurrency: 1,
        }),
        toArray(),
      ),
    );
    // 4 per project per day: 8 requests fit exactly, whatever the order.
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    const perDay429s = server.log.filter((entry) => entry.outcome === 'rate_limited_rpd');
    const parked = events.filter((event) => event.type === 'parked');
    // Each project drew at most one per-day 429 before being parked; it was never asked again.
    expect(perDay429s.length).toBeLessThanOrEqual(2);
    expect(parked.length).toBe(perDay429s.length);
    for (const event of parked) {
      expect(event.type === 'parked' && event.until).toBe(
        startOfNextDay(event.at, 'America/Los_Angeles'),
      );
      const after = server.log.filter(
        (entry) => entry.project === event.group && entry.at > event.at,
      );
      expect(after).toEqual([]);
    }
  });

  it('streams through the scheduler: a 429 before the first chunk is retried, usage counted at the end', async () => {
    server = await startMockGemini({ keys: KEYS });
    server.injectNext({ kind: 'rate_limited_rpm', retryDelayMs: 20 });
    const pool = poolFor(KEYS, {});
    const events: UsageEvent[] = [];
    pool.usage$.subscribe((event) => events.push(event));
    const chunks: string[] = [];
    const request: Request = {
      id: 1,
      prompt: 'Tell me a long story about keys',
      onChunk: (text) => chunks.push(text),
    };
    for (const sdk of ['generative-ai', 'genai'] as const) {
      chunks.length = 0;
      const [result] = await firstValueFrom(
        from([request]).pipe(
          schedule(pool, geminiProvider<Request>({ sdk, baseUrl: server.url, stream: true })),
          toArray(),
        ),
      );
      expect(result?.ok).toBe(true);
      if (!result?.ok) continue;
      expect(chunks.length).toBeGreaterThan(1);
      expect(chunks.join('')).toBe(result.value.text);
      expect(result.usage?.inputTokens).toBeGreaterThan(0);
      expect(result.usage?.outputTokens).toBeGreaterThan(0);
    }
    expect(events.filter((event) => event.type === 'rate_limited')).toHaveLength(1);
    const succeeded = events.filter((event) => event.type === 'succeeded');
    expect(succeeded).toHaveLength(2);
    expect(succeeded.every((event) => event.type === 'succeeded' && event.outputTokens > 0)).toBe(
      true,
    );
    expect(server.log.filter((entry) => entry.method === 'streamGenerateContent')).toHaveLength(3);
  });
});
