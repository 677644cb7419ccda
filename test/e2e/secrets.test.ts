import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { firstValueFrom, from, toArray } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startMockGemini } from '../../src/mock/index.js';
import { attachReports, KeyPool } from '../../src/pool/index.js';
import { type GeminiRequest, geminiProvider } from '../../src/providers/gemini/index.js';
import { schedule } from '../../src/schedule/index.js';
import type { UsageEvent } from '../../src/usage/events.js';

const GOOD = 'AIzaSyFAKE-recognisable-secret-GOOD-0001';
const UNKNOWN = 'AIzaSyFAKE-recognisable-secret-UNKNOWN-02';
const SECRETS = [GOOD, UNKNOWN];

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  vi.restoreAllMocks();
});

describe('secrets never leave the pool', () => {
  it('appear in no event, report file, result, error message or log line, through both SDKs', async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyrelay-secrets-'));
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(
          args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 8 }))).join(' '),
        );
      });
    }
    vi.spyOn(process, 'emitWarning').mockImplementation((warning: string | Error) => {
      logged.push(String(warning));
    });
    const server = await startMockGemini({ keys: [{ key: GOOD, project: 'p', name: 'GOOD' }] });
    try {
      const pool = KeyPool.fromEnv('gemini', {
        envFile: false,
        env: { GEMINI_API_KEY_1: GOOD, GEMINI_API_KEY_2: UNKNOWN, GEMINI_API_KEY_3: GOOD },
      });
      const reporting = await attachReports(pool, { dir, flushOnSignals: false, debounceMs: 0 });
      const events: UsageEvent[] = [];
      pool.usage$.subscribe((event) => events.push(event));
      const results = [];
      for (const sdk of ['generative-ai', 'genai'] as const) {
        server.injectNext({ kind: 'rate_limited_rpm', retryDelayMs: 10 });
        server.injectNext({ kind: 'internal' });
        const requests: GeminiRequest[] = [
          ...Array.from({ length: 4 }, (_, i) => ({ prompt: `hello ${i}` })),
          { request: { contents: [] } },
        ];
        results.push(
          ...(await firstValueFrom(
            from(requests).pipe(
              schedule(pool, geminiProvider({ sdk, baseUrl: server.url }), {
                backoff: { initialMs: 1, maxMs: 5 },
              }),
              toArray(),
            ),
          )),
        );
      }
      await reporting.close();

      expect(results.filter((r) => r.ok)).toHaveLength(8);
      expect(results.filter((r) => !r.ok)).toHaveLength(2);
      expect(events.some((event) => event.type === 'disabled')).toBe(true);
      expect(events.some((event) => event.type === 'rate_limited')).toBe(true);

      const reportFiles = readdirSync(dir).map((name) => readFileSync(join(dir!, name), 'utf8'));
      expect(reportFiles.length).toBeGreaterThan(0);
      const everything = [
        JSON.stringify(events),
        inspect(events, { depth: 8 }),
        ...reportFiles,
        ...results.map((r) =>
          r.ok ? JSON.stringify(r) : `${r.error.message} ${inspect(r.error, { depth: 8 })}`,
        ),
        inspect(pool, { depth: 8 }),
        JSON.stringify(pool),
        String(pool.keys),
        ...logged,
      ].join('\n');
      for (const secret of SECRETS) expect(everything).not.toContain(secret);
      expect(everything).toContain('GEMINI_API_KEY_2');
    } finally {
      await server.close();
    }
  });
});
