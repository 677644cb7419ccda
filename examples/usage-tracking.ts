/**
 * The seed's Usage Tracking section: usage recorded by hand, a per-key
 * report of today, and the last 7 days from the report files.
 *
 * Field names are camelCase: the seed's `total_calls` is `totalCalls`.
 *
 * Run: npx tsx examples/usage-tracking.ts
 */
import { GoogleGenerativeAI } from '@google/generative-ai';
import { UsageTracker } from '../src/compat/index.js';
import { DEMO_KEYS, describeBackend, openBackend, reportsDir } from './support/backend.js';

const backend = await openBackend();
console.log(`Talking to the ${describeBackend(backend)}.`);

// Create a tracker
const tracker = new UsageTracker({ serviceName: 'gemini', reportsDir: reportsDir() });

// Call the API a few times and record each call's usage.
const keys = backend.offline
  ? DEMO_KEYS.map((key) => ({ name: key.name, secret: key.secret }))
  : [{ name: 'default', secret: process.env.GEMINI_API_KEY ?? '' }];
for (let i = 0; i < 6; i++) {
  const key = keys[i % keys.length]!;
  const model = new GoogleGenerativeAI(key.secret).getGenerativeModel(
    { model: 'gemini-2.0-flash' },
    { baseUrl: backend.baseUrl },
  );
  try {
    const result = await model.generateContent(`Prompt number ${i}`);
    const usage = result.response.usageMetadata;
    // Record API usage
    tracker.recordUsage({
      keyName: key.name,
      success: true,
      cost: usage?.totalTokenCount ?? 1.0, // Optional: track tokens or other cost metrics
      inputTokens: usage?.promptTokenCount ?? 0,
      outputTokens: usage?.candidatesTokenCount ?? 0,
    });
  } catch {
    tracker.recordUsage({ keyName: key.name, success: false });
  }
}
// The seed's exact call:
tracker.recordUsage({ keyName: 'default', success: true, cost: 1.0 });

// Get usage report
const report = tracker.getUsageReport();
console.log(
  `Total API calls today: ${Object.values(report).reduce((sum, k) => sum + k.totalCalls, 0)}`,
);
for (const [name, usage] of Object.entries(report)) {
  console.log(
    `  ${name.padEnd(18)} calls ${usage.totalCalls}  ok ${usage.successes}  cost ${usage.cost}`,
  );
}

// Get historical usage (last 7 days)
const historical = await tracker.getHistoricalReport({ days: 7 });
for (const day of historical.days) console.log(`  ${day.date}  ${day.totals.totalCalls} calls`);
console.log(`Last 7 days: ${historical.totals.totalCalls} calls.`);

console.log(`Usage report saved to ${await tracker.saveDailyReport()}`);
await tracker.close();
await backend.close();
