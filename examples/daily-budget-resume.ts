/**
 * A job larger than a day's quota: it stops when the day's budget is spent
 * (`onDailyExhaustion: 'fail'`: the requests left fail at once with kind
 * `daily_quota_exhausted`, instead of waiting for midnight) and resumes the
 * next day with what is left. A restart on the same day sees only what is
 * left of the day, because `attachReports` seeds the budgets from the day's
 * report file.
 *
 * Days pass on a simulated clock shared by the client and the local server
 * (Gemini's day ends at midnight Pacific time), so this example always uses
 * the local server, and writes its reports to a temporary directory (its
 * simulated future days must not seed your real budgets).
 *
 * Run: npx tsx examples/daily-budget-resume.ts
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { dayKeyOf, startOfNextDay } from '../src/budget/index.js';
import { startMockGemini } from '../src/mock/index.js';
import { attachReports, KeyPool } from '../src/pool/index.js';
import { type GeminiRequest, geminiProvider } from '../src/providers/gemini/index.js';
import { schedule } from '../src/schedule/index.js';
import { DEMO_KEYS, demoEnv } from './support/backend.js';
import { loadPrompts } from './support/prompts.js';
import { SimulatedClock } from './support/simulated-clock.js';

const TIME_ZONE = 'America/Los_Angeles';
const PER_DAY = 8; // requests per project per day: 2 projects, so 16 a day

const clock = new SimulatedClock();
const mock = await startMockGemini({
  keys: DEMO_KEYS.map((key) => ({ key: key.secret, project: key.project, name: key.name })),
  limits: { rpd: PER_DAY },
  now: () => clock.now(),
});
const dir = await mkdtemp(join(tmpdir(), 'keyrelay-daily-'));
console.log(`Local Gemini server at ${mock.url}; reports in ${dir}`);

type Job = GeminiRequest & { readonly id: number | string };

/** One run of the job, as a fresh process would do it: new pool, budgets seeded from today's report. */
async function runOnce(label: string, job: readonly Job[]): Promise<Job[]> {
  const pool = KeyPool.fromEnv('gemini', {
    env: demoEnv(DEMO_KEYS),
    envFile: false,
    limits: { requestsPerDay: PER_DAY },
    timeZone: TIME_ZONE,
  });
  const reporting = await attachReports(pool, { dir, scheduler: clock, flushOnSignals: false });
  const results = await lastValueFrom(
    from(job).pipe(
      schedule(pool, geminiProvider({ baseUrl: mock.url }), {
        onDailyExhaustion: 'fail',
        scheduler: clock,
      }),
      toArray(),
    ),
  );
  await reporting.close();
  pool.close();
  const left = results.filter((r) => !r.ok && r.error.kind === 'daily_quota_exhausted');
  const answered = results.filter((r) => r.ok).length;
  console.log(
    `${label} (${dayKeyOf(clock.now(), TIME_ZONE)}): ${answered} answered, ${left.length} left for another day`,
  );
  return left.map((r) => r.request);
}

let job: Job[] = (await loadPrompts())
  .slice(0, 40)
  .map((line) => ({ id: line.id, prompt: line.prompt }));
const total = job.length;
job = await runOnce('day 1', job);
job = await runOnce('day 1, restarted', job); // the day's report says the budget is spent
let day = 1;
while (job.length > 0 && day < 10) {
  day++;
  clock.jumpTo(startOfNextDay(clock.now(), TIME_ZONE) + 60_000); // 00:01 the next day
  job = await runOnce(`day ${day}`, job);
}
const rejected = mock.log.filter((entry) => entry.status === 429).length;
console.log(
  `All ${total} prompts answered over ${day} days; the server answered 429 ${rejected} times.`,
);
await mock.close();
process.exitCode = job.length === 0 ? 0 : 1;
