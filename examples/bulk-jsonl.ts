/**
 * A bulk JSONL job through `schedule()`: the prompts of a file (default
 * `examples/prompts.jsonl`) are pulled on demand, sent on a pool of keys as
 * fast as their budgets allow, and live usage is printed from `pool.usage$`.
 * The day's report is written by `attachReports`.
 *
 * Run: npx tsx examples/bulk-jsonl.ts [prompts.jsonl]
 */
import { filter, lastValueFrom, scan, throttleTime, toArray } from 'rxjs';
import { attachReports, KeyPool } from '../src/pool/index.js';
import { geminiProvider } from '../src/providers/gemini/index.js';
import { schedule } from '../src/schedule/index.js';
import { describeBackend, openBackend, reportsDir } from './support/backend.js';
import { type PromptLine, readPrompts } from './support/prompts.js';

// Ten requests per project per (compressed) one-second "minute", on the server and in the client.
const backend = await openBackend({ limits: { rpm: 10, windowMs: 1_000 } });
console.log(`Talking to the ${describeBackend(backend)}.`);
const pool = KeyPool.fromEnv('gemini', {
  env: backend.env,
  envFile: backend.envFile,
  // The server counts arrivals; with windows compressed to 1 s, transit times
  // (a cold SDK's first requests take a few hundred ms) need a wide margin.
  safetyMarginMs: 300,
  limits: backend.offline
    ? { windows: [{ requests: 10, per: 1_000 }] }
    : { requestsPerMinute: 15, requestsPerDay: 1_500 },
});
const reporting = await attachReports(pool, { dir: reportsDir() });

// Live usage, straight from the pool's events: answers per key, at most twice a second.
const live = pool.usage$
  .pipe(
    filter((event) => event.type === 'succeeded'),
    scan(
      (perKey, event) => ({ ...perKey, [event.key]: (perKey[event.key] ?? 0) + 1 }),
      {} as Record<string, number>,
    ),
    throttleTime(500, undefined, { leading: true, trailing: true }),
  )
  .subscribe((perKey) => {
    const total = Object.values(perKey).reduce((a, b) => a + b, 0);
    const keys = Object.entries(perKey)
      .map(([name, n]) => `${name}=${n}`)
      .join(' ');
    console.log(`live: ${String(total).padStart(3)} answered  ${keys}`);
  });

const lines = readPrompts(process.argv[2]);
const started = Date.now();
const results = await lastValueFrom(
  schedule(pool, geminiProvider({ baseUrl: backend.baseUrl }))(asRequests(lines)).pipe(toArray()),
);
live.unsubscribe();

const answered = results.filter((result) => result.ok).length;
for (const result of results.slice(0, 3)) {
  if (result.ok) console.log(`  #${result.request.id} [${result.key}] ${result.value.text}`);
}
console.log(
  `${answered} of ${results.length} answered in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
);
for (const result of results) {
  if (!result.ok)
    console.log(`  #${result.request.id} failed: ${result.error.kind}: ${result.error.message}`);
}
await reporting.close();
pool.close();
await backend.close();
console.log(`Usage report in ${reportsDir()}/`);
process.exitCode = answered === results.length ? 0 : 1;

/** Each line as a Gemini request (`{ prompt, model? }`), keeping its id. */
async function* asRequests(lines: AsyncIterable<PromptLine>) {
  for await (const line of lines) {
    yield {
      id: line.id,
      prompt: line.prompt,
      ...(line.model === undefined ? {} : { model: line.model }),
    };
  }
}
