import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ExampleRun, runExample } from './run-example.js';

async function reportFiles(run: ExampleRun): Promise<string[]> {
  return (await readdir(run.reportsDir)).filter((file) =>
    /^gemini_\d{4}-\d{2}-\d{2}\.json$/.test(file),
  );
}

function expectClean(run: ExampleRun): void {
  expect(run.stderr, run.stderr).not.toMatch(/Error|Warning/);
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
}

describe('examples/ run offline, as child processes', () => {
  it('quick-start.ts: keys round-robin, a saved report', async () => {
    await runExample('quick-start', async (run) => {
      expectClean(run);
      expect(run.stdout).toMatch(/GEMINI_API_KEY_1: Echo: Hello!/);
      expect(run.stdout).toMatch(/GEMINI_API_KEY_2: Echo: Name three rivers\./);
      expect(run.stdout).toMatch(/Usage report saved to /);
      expect(await reportFiles(run)).toHaveLength(1);
    });
  });

  it('rate-limiting.ts: 25 calls at 10 a second', async () => {
    const run = await runExample('rate-limiting');
    expectClean(run);
    expect(run.stdout).toMatch(/25 calls answered in 2\.\d\d s/);
  });

  it("usage-tracking.ts: the seed's total and 7 days of history", async () => {
    await runExample('usage-tracking', async (run) => {
      expectClean(run);
      expect(run.stdout).toMatch(/Total API calls today: 7/);
      expect(run.stdout).toMatch(/Last 7 days: 7 calls\./);
      const [file] = await reportFiles(run);
      const report = JSON.parse(await readFile(join(run.reportsDir, file!), 'utf8'));
      expect(report.keys.default.totalCalls).toBe(1);
    });
  });

  it('gemini-integration.ts: initGemini() rotates keys', async () => {
    const run = await runExample('gemini-integration');
    expectClean(run);
    expect(run.stdout).toMatch(
      /\[GEMINI_API_KEY_1\] What is keyrelay\? -> Echo: What is keyrelay\?/,
    );
    expect(run.stdout).toMatch(/\[GEMINI_API_KEY_3\] What is RPD\?/);
  });

  it('bulk-jsonl.ts: every prompt of the file answered, live usage printed', async () => {
    await runExample('bulk-jsonl', async (run) => {
      expectClean(run);
      expect(run.stdout).toMatch(/live: +\d+ answered/);
      expect(run.stdout).toMatch(/40 of 40 answered/);
      expect(await reportFiles(run)).toHaveLength(1);
    });
  });

  it('multi-model.ts: two models with their own budgets, no 429', async () => {
    const run = await runExample('multi-model');
    expectClean(run);
    expect(run.stdout).toMatch(/gemini-2\.0-flash +24\/24 answered/);
    expect(run.stdout).toMatch(/gemini-2\.5-pro +8\/8 answered/);
    expect(run.stdout).toMatch(/32 of 32 answered/);
  });

  it("daily-budget-resume.ts: stops at the day's budget and resumes the next day", async () => {
    const run = await runExample('daily-budget-resume');
    expectClean(run);
    expect(run.stdout).toMatch(/day 1 \(\d{4}-\d{2}-\d{2}\): 16 answered, 24 left/);
    expect(run.stdout).toMatch(/day 1, restarted \(\d{4}-\d{2}-\d{2}\): 0 answered, 24 left/);
    expect(run.stdout).toMatch(
      /All 40 prompts answered over 3 days; the server answered 429 0 times\./,
    );
  });
});
