import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  lineCount,
  linesPerId,
  prng,
  readOut,
  runArgs,
  runCli,
  spawnCli,
  startMock,
  waitFor,
  workspace,
  writePrompts,
} from './helpers.js';

const N = 120;

function expectExactlyOnce(path: string, count: number): void {
  const counts = linesPerId(readOut(path));
  expect(counts.size).toBe(count);
  for (let i = 0; i < count; i++)
    expect(counts.get(JSON.stringify(`r${i}`))).toEqual({ ok: 1, failed: 0 });
}

describe('keyrelay run crash safety', () => {
  it.each([1, 2, 3])(
    'SIGKILL at random moments, then a re-run: every id exactly once (seed %i)',
    async (seed) => {
      const random = prng(seed);
      const mock = await startMock({ latencyMs: [5, 40], seed });
      const dir = workspace();
      writePrompts(dir, N);
      const out = join(dir, 'out.jsonl');
      const args = runArgs(mock.url, '--concurrency', '6', '--quiet');
      for (let kill = 0; kill < 2; kill++) {
        const target = lineCount(out) + 1 + Math.floor(random() * 40);
        const run = spawnCli(args, { cwd: dir });
        await waitFor(() => lineCount(out) >= target || run.child.exitCode !== null, 30_000, 2);
        run.child.kill('SIGKILL');
        const ended = await run.exited;
        expect(ended.signal ?? ended.code).toBeTruthy();
      }
      const final = await runCli(args, { cwd: dir });
      expect(final.code).toBe(0);
      expectExactlyOnce(out, N);
    },
  );

  it('SIGKILL does not lose the requests already sent today: re-runs never exceed --rpd', async () => {
    // Slow answers: at each kill, the requests the server just received are still in flight.
    const mock = await startMock({ latencyMs: 800 });
    const dir = workspace();
    writePrompts(dir, 60);
    const out = join(dir, 'out.jsonl');
    // Two quota groups × --rpd 12 = 24 requests a day, whatever crashes happen.
    const args = runArgs(mock.url, '--rpd', '12', '--concurrency', '10', '--quiet');
    for (const arrivals of [6, 14]) {
      const run = spawnCli(args, { cwd: dir });
      // Kill right after the server has received these requests, before any answer.
      await waitFor(() => mock.log.length >= arrivals || run.child.exitCode !== null, 30_000, 1);
      run.child.kill('SIGKILL');
      await run.exited;
    }
    const final = await runCli(args, { cwd: dir });
    expect(final.code).toBe(75);
    const arrived = mock.log.filter((entry) => entry.method === 'generateContent').length;
    expect(arrived).toBeLessThanOrEqual(24);
    const lines = readOut(out);
    expect(lines.every((line) => line.ok)).toBe(true);
    expect(new Set(lines.map((line) => line.id)).size).toBe(lines.length);
    // Requests in flight at a kill were sent (and counted) but their answers lost: the only shortfall.
    expect(lines.length).toBeGreaterThanOrEqual(24 - 2 * 10);
    const report = JSON.parse(readFileSync(join(dir, 'reports', readdirReport(dir)), 'utf8'));
    const spent = Object.values(
      report.quota as Record<string, Record<string, { requests: number }>>,
    )
      .flatMap((models) => Object.values(models))
      .reduce((sum, usage) => sum + usage.requests, 0);
    expect(spent).toBeGreaterThanOrEqual(arrived);
  });

  it('SIGINT: stops dispatching, waits for the requests in flight, saves, prints the resume command; the re-run completes', async () => {
    const mock = await startMock({ latencyMs: 150 });
    const dir = workspace();
    writePrompts(dir, 40);
    const out = join(dir, 'out.jsonl');
    const args = runArgs(mock.url, '--concurrency', '3');
    const run = spawnCli(args, { cwd: dir });
    await waitFor(() => lineCount(out) >= 4);
    run.child.kill('SIGINT');
    const ended = await run.exited;
    expect(ended.code).toBe(130);
    const stopping = /SIGINT: stopping; (\d+) results written, (\d+) requests in flight/.exec(
      ended.stderr,
    );
    expect(stopping).not.toBeNull();
    expect(ended.stderr).toMatch(
      /To resume: keyrelay run in\.jsonl --out out\.jsonl --env-file keys\.env --base-url http/,
    );
    // Nothing new was dispatched after the signal, except at most the one request
    // already pulled from the input: the server saw what was written or in flight, plus one.
    const [, writtenAtSignal, inFlightAtSignal] = stopping!.map(Number);
    expect(mock.log.length).toBeLessThanOrEqual(writtenAtSignal! + inFlightAtSignal! + 1);
    // What was in flight was answered and written: every request the server answered is in the output.
    const written = readOut(out);
    expect(written.length).toBe(mock.log.filter((entry) => entry.outcome === 'ok').length);
    expect(written.length).toBeLessThan(40);
    const resumed = await runCli(args, { cwd: dir });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(new RegExp(`Resuming: ${written.length} ids already succeeded`));
    expectExactlyOnce(out, 40);
  });

  it('a second SIGINT exits at once without corrupting the output', async () => {
    const mock = await startMock({ latencyMs: [100, 3000], seed: 7 });
    const dir = workspace();
    writePrompts(dir, 30);
    const out = join(dir, 'out.jsonl');
    const args = runArgs(mock.url, '--concurrency', '6', '--shutdown-timeout', '1m');
    const run = spawnCli(args, { cwd: dir });
    await waitFor(() => lineCount(out) >= 2);
    run.child.kill('SIGINT');
    await waitFor(() => run.stderr().includes('SIGINT: stopping'));
    run.child.kill('SIGINT');
    const ended = await run.exited;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toMatch(/SIGINT again: exiting now\. To resume: keyrelay run/);
    expect(() => readOut(out)).not.toThrow();
    const resumed = await runCli([...args, '--quiet', '--concurrency', '30'], { cwd: dir });
    expect(resumed.code).toBe(0);
    expectExactlyOnce(out, 30);
  });
});

function readdirReport(dir: string): string {
  return readdirSync(join(dir, 'reports')).find((name) => name.endsWith('.json'))!;
}
