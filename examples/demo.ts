/**
 * The offline demo (`npm start`): keyrelay spending four keys in two
 * projects as one, against the local Gemini server, with the real
 * `@google/generative-ai` SDK. No real key, no network: the server listens on
 * a free loopback port and knows only the demo keys below.
 *
 * What to watch:
 * - keys rotate: each answer says which key and project served it;
 * - one 429 is injected mid-run: the key's project cools for the server's
 *   retryDelay, its requests go to the other project meanwhile, then it resumes;
 * - no request is lost: the last line counts N of N answered;
 * - the day's usage report is printed as a table and written under
 *   reports/api_usage/ (or KEYRELAY_REPORTS_DIR).
 *
 * Limits are compressed so that it ends in seconds: per project, 6 requests
 * per 2-second "minute", on the server and in the client.
 */
import { performance } from 'node:perf_hooks';
import { lastValueFrom, toArray } from 'rxjs';
import { startMockGemini } from '../src/mock/index.js';
import { attachReports, KeyPool } from '../src/pool/index.js';
import { geminiProvider } from '../src/providers/gemini/index.js';
import { schedule } from '../src/schedule/index.js';
import type { DailyReport } from '../src/usage/index.js';
import { type DemoKey, demoEnv, reportsDir } from './support/backend.js';
import { type PromptLine, readPrompts } from './support/prompts.js';

const KEYS: readonly DemoKey[] = [
  { name: 'GEMINI_API_KEY_1', secret: 'demo-only-secret-1', project: 'project-a' },
  { name: 'GEMINI_API_KEY_2', secret: 'demo-only-secret-2', project: 'project-a' },
  { name: 'GEMINI_API_KEY_3', secret: 'demo-only-secret-3', project: 'project-b' },
  { name: 'GEMINI_API_KEY_4', secret: 'demo-only-secret-4', project: 'project-b' },
];
const WINDOW_MS = 2_000;
const PER_WINDOW = 6;
const COOLED_KEY = 'GEMINI_API_KEY_3';
const INJECT_AFTER = 8; // answers before the injected 429

const t0 = performance.now();
const clock = () => `${((performance.now() - t0) / 1000).toFixed(2).padStart(5)}s`;

const server = await startMockGemini({
  keys: KEYS.map((key) => ({ key: key.secret, project: key.project, name: key.name })),
  limits: { rpm: PER_WINDOW, windowMs: WINDOW_MS },
  latencyMs: [20, 80],
  host: '127.0.0.1',
  port: 0,
});
console.log(`keyrelay demo: local Gemini server at ${server.url} (offline, demo keys only)`);
console.log(
  `  ${KEYS.length} keys in 2 projects; limit per project: ${PER_WINDOW} requests per ${WINDOW_MS / 1000} s window`,
);

const pool = KeyPool.fromEnv('gemini', {
  env: demoEnv(KEYS),
  envFile: false,
  limits: { windows: [{ requests: PER_WINDOW, per: WINDOW_MS }] },
  // The server counts arrivals; keep a margin for transit times.
  safetyMarginMs: 300,
});
const dir = reportsDir();
const reporting = await attachReports(pool, { dir });

// Live progress and per-key state, driven from pool.usage$.
const prompts: PromptLine[] = [];
for await (const line of readPrompts()) prompts.push(line);
const total = prompts.length;
let answered = 0;
const state = new Map(KEYS.map((key) => [key.name, { calls: 0, status: 'active' }]));
const stateLine = () =>
  [...state]
    .map(([name, s]) => `${name.replace('GEMINI_API_KEY_', 'key')}:${s.status}/${s.calls}`)
    .join('  ');
pool.usage$.subscribe((event) => {
  const key = state.get(event.key);
  switch (event.type) {
    case 'dispatched':
      if (key !== undefined) key.calls++;
      break;
    case 'succeeded':
      answered++;
      console.log(
        `${clock()}  [${String(answered).padStart(2)}/${total}] answered by ${event.key} (${event.group}) in ${event.latencyMs} ms`,
      );
      if (answered === INJECT_AFTER) {
        server.injectNext({ kind: 'rate_limited_rpm', key: COOLED_KEY, retryDelayMs: 3_000 });
        console.log(
          `${clock()}  >> the server will answer the next request on ${COOLED_KEY} with 429`,
        );
      }
      break;
    case 'rate_limited':
      console.log(
        `${clock()}  !! 429 on ${event.key} (${event.group}), retryDelay ${((event.retryAfterMs ?? 0) / 1000).toFixed(1)} s; its request goes again first`,
      );
      break;
    case 'cooled':
      for (const k of KEYS) if (k.project === event.group) state.get(k.name)!.status = 'cooling';
      console.log(
        `${clock()}  ** ${event.group} cools until +${((event.until - event.at) / 1000).toFixed(1)} s   ${stateLine()}`,
      );
      break;
    case 'resumed':
      for (const k of KEYS) if (k.project === event.group) state.get(k.name)!.status = 'active';
      console.log(`${clock()}  ** ${event.group} resumed   ${stateLine()}`);
      break;
    case 'disabled':
      if (key !== undefined) key.status = 'disabled';
      break;
  }
});

const requests = prompts.map((line) => ({ id: line.id, prompt: line.prompt }));
const results = await lastValueFrom(
  schedule(
    pool,
    geminiProvider({ sdk: 'generative-ai', baseUrl: server.url }),
  )(
    (async function* () {
      yield* requests;
    })(),
  ).pipe(toArray()),
);

await reporting.flush();
const report = reporting.snapshot();
await reporting.close();
pool.close();
await server.close();

const ok = results.filter((result) => result.ok).length;
const serverLimited = server.log.filter((entry) => entry.status === 429).length;
console.log('');
console.log(`Usage report for ${report.service} on ${report.date} (${report.timeZone}):`);
printTable(report);
console.log('');
console.log(`Report file: ${dir}/${report.service}_${report.date}.json`);
console.log(
  `${ok} of ${total} answered in ${clock().trim()}; the server answered 429 ${serverLimited} time(s) (1 injected); no request lost.`,
);
process.exitCode = ok === total ? 0 : 1;

function printTable(daily: DailyReport): void {
  const rows = Object.entries(daily.keys).map(([name, usage]) => [
    name,
    usage.group,
    String(usage.totalCalls),
    String(usage.successes),
    String(Object.values(usage.failures).reduce((a, b) => a + b, 0)),
    String(usage.rateLimited),
    String(usage.inputTokens),
    String(usage.outputTokens),
    usage.state?.state ?? 'active',
  ]);
  const t = daily.totals;
  rows.push([
    'total',
    '',
    String(t.totalCalls),
    String(t.successes),
    String(Object.values(t.failures).reduce((a, b) => a + b, 0)),
    String(t.rateLimited),
    String(t.inputTokens),
    String(t.outputTokens),
    '',
  ]);
  const head = [
    'key',
    'project',
    'calls',
    'ok',
    'failed',
    '429',
    'tokens in',
    'tokens out',
    'state',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}
