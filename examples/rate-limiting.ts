/**
 * The seed's Rate Limiting section: one limiter, used as a decorator
 * (`limiter.limit(fn)`) and by hand (`await limiter.waitIfNeeded()`), shared
 * by concurrent callers.
 *
 * The seed's limiter is `RateLimiter(requests_per_minute=10, requests_per_day=1000)`.
 * So that this example ends in seconds, its "minute" is compressed to one
 * second (`windows: [{ requests: 10, per: 1_000 }]`); the day limit is real.
 *
 * Run: npx tsx examples/rate-limiting.ts
 */
import { GoogleGenerativeAI } from '@google/generative-ai';
import { RateLimiter } from '../src/compat/index.js';
import { describeBackend, openBackend } from './support/backend.js';

const backend = await openBackend();
console.log(`Talking to the ${describeBackend(backend)}.`);
const apiKey = backend.offline ? 'demo-secret-1' : (process.env.GEMINI_API_KEY ?? '');
const model = new GoogleGenerativeAI(apiKey).getGenerativeModel(
  { model: 'gemini-2.0-flash' },
  { baseUrl: backend.baseUrl },
);
const callApi = async (prompt: string) => (await model.generateContent(prompt)).response.text();

// Create a rate limiter (10 per "minute" of one second, 1000 per day).
// With real time: new RateLimiter({ requestsPerMinute: 10, requestsPerDay: 1000 })
const limiter = new RateLimiter({ windows: [{ requests: 10, per: 1_000 }], requestsPerDay: 1000 });

const start = Date.now();
const elapsed = () => `${String(Date.now() - start).padStart(5)} ms`;

// Option 1: use as a decorator
const myApiFunction = limiter.limit(async (i: number) => {
  console.log(`${elapsed()}  decorated call ${i}`);
  return callApi(`decorated ${i}`);
});

// Option 2: manual control
async function anotherFunction(i: number): Promise<string> {
  await limiter.waitIfNeeded(); // Will wait if necessary
  console.log(`${elapsed()}  manual call ${i}`);
  return callApi(`manual ${i}`);
}

// 25 concurrent callers share the one limiter: 10 go at once, 10 a second later, 5 after that.
const answers = await Promise.all(
  Array.from({ length: 25 }, (_, i) => (i % 2 === 0 ? myApiFunction(i) : anotherFunction(i))),
);
const seconds = (Date.now() - start) / 1000;
console.log(
  `${answers.length} calls answered in ${seconds.toFixed(2)} s (10 per second, none early).`,
);
limiter.close();
await backend.close();
