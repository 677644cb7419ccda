/**
 * Several models in one pool, each with its own budget: Gemini counts quota
 * per project AND per model, so a pool takes limit rules per model. Requests
 * for a spent model wait in their own lane without holding back the others.
 *
 * Limits are compressed ("minute" = 1 s) so that the example ends in seconds.
 *
 * Run: npx tsx examples/multi-model.ts
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { KeyPool } from '../src/pool/index.js';
import { geminiProvider } from '../src/providers/gemini/index.js';
import { schedule } from '../src/schedule/index.js';
import { describeBackend, openBackend } from './support/backend.js';
import { loadPrompts } from './support/prompts.js';

const FLASH = 'gemini-2.0-flash';
const PRO = 'gemini-2.5-pro';

// The server: per project, 8 flash and 2 pro requests per 1 s window.
const backend = await openBackend({
  limits: { [FLASH]: { rpm: 8, windowMs: 1_000 }, [PRO]: { rpm: 2, windowMs: 1_000 } },
});
console.log(`Talking to the ${describeBackend(backend)}.`);

// The client: the same budgets, as limit rules (the most specific rule wins).
const pool = KeyPool.fromEnv('gemini', {
  env: backend.env,
  envFile: backend.envFile,
  // The server counts arrivals; with windows compressed to 1 s, transit times
  // (a cold SDK's first requests take a few hundred ms) need a wide margin.
  safetyMarginMs: 300,
  limits: [
    { model: FLASH, windows: [{ requests: 8, per: 1_000 }] },
    { model: PRO, windows: [{ requests: 2, per: 1_000 }] },
  ],
});

// 32 prompts: every fourth one for the pro model.
const prompts = (await loadPrompts()).slice(0, 32);
const requests = prompts.map((line, i) => ({
  id: line.id,
  prompt: line.prompt,
  model: i % 4 === 3 ? PRO : FLASH,
}));

const started = Date.now();
const results = await lastValueFrom(
  from(requests).pipe(schedule(pool, geminiProvider({ baseUrl: backend.baseUrl })), toArray()),
);

for (const model of [FLASH, PRO]) {
  const mine = results.filter((result) => result.model === model);
  const answered = mine.filter((result) => result.ok);
  const lastAt = Math.max(...answered.map((result) => (result.ok ? result.finishedAt : 0)));
  const byKey = new Map<string, number>();
  for (const result of answered)
    if (result.ok) byKey.set(result.key, (byKey.get(result.key) ?? 0) + 1);
  console.log(
    `${model.padEnd(17)} ${answered.length}/${mine.length} answered, last after ${((lastAt - started) / 1000).toFixed(1)} s, per key: ${[...byKey].map(([k, n]) => `${k}=${n}`).join(' ')}`,
  );
}
const rejected = backend.mock?.log.filter((entry) => entry.status === 429).length ?? 0;
const answered = results.filter((result) => result.ok).length;
console.log(
  `${answered} of ${results.length} answered; the server answered 429 ${rejected} times.`,
);
pool.close();
await backend.close();
process.exitCode = answered === results.length ? 0 : 1;
