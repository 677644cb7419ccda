import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from './helpers.js';

const LINES = 200_000;
/** Peak resident set size allowed, in kB (the tsx loader alone takes ~80 MB). */
const MAX_RSS_KB = 200 * 1024;

async function writeLargeInput(path: string): Promise<void> {
  const stream = createWriteStream(path);
  const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(3);
  for (let i = 0; i < LINES; i++) {
    const line = `${JSON.stringify({ id: `row-${i}`, prompt: `Item ${i}: ${filler}`, meta: { i } })}\n`;
    if (!stream.write(line))
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

describe('bounded memory', () => {
  it(`streams a ${LINES.toLocaleString('en-US')}-line input with a peak RSS under ${MAX_RSS_KB / 1024} MB`, async () => {
    const dir = workspace();
    const input = join(dir, 'large.jsonl');
    await writeLargeInput(input);
    const result = await runCli(
      [
        'run',
        'large.jsonl',
        '--dry-run',
        '--env-file',
        'keys.env',
        '--rpm',
        '2000',
        '--rpd',
        '100000',
      ],
      {
        cwd: dir,
        env: { KEYRELAY_DEBUG_MAXRSS: '1' },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Requests: 200,000 to send/);
    // 200,000 requests / (2 groups × 2000 per minute) = 50 minutes; / (2 × 100,000 per day) = 1 day.
    expect(result.stdout).toMatch(/Time needed: 50m 00s/);
    expect(result.stdout).toMatch(/Days of quota: 1 /);
    const maxRss = Number(/keyrelay-debug maxRSS=(\d+)/.exec(result.stderr)?.[1]);
    expect(maxRss).toBeGreaterThan(0);
    expect(maxRss).toBeLessThan(MAX_RSS_KB);
  }, 60_000);
});
