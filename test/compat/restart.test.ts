import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dayKeyOf } from '../../src/budget/index.js';
import { KeyManager } from '../../src/compat/index.js';
import { tempDirPerTest } from '../support/temp-dir.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('./fixtures/spend-keys.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
tempDirPerTest('keyrelay-compat-', (created) => {
  dir = created;
});

async function child(envFile: string, reportsDir: string, wanted: string) {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', SCRIPT, envFile, reportsDir, wanted],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
    granted: string[];
    error?: { name: string; reason: string };
  };
}

describe('restart: a new process the same day sees only what is left of the day', () => {
  it('6 of 10 spent, then a real child process gets the remaining 4', async () => {
    const envFile = join(dir, '.env');
    const reportsDir = join(dir, 'reports');
    // Two keys in two projects, 5 requests a day each: 10 a day in all.
    await writeFile(envFile, 'GEMINI_API_KEY_1 = first_api_key\nGEMINI_API_KEY_2=second_api_key\n');

    const first = new KeyManager({
      envFile,
      env: {},
      reportsDir,
      limits: { requestsPerDay: 5 },
      flushOnSignals: false,
    });
    for (let i = 0; i < 6; i++) first.getNextKey();
    await first.close();

    const second = await child(envFile, reportsDir, 'all');
    expect(second.granted).toHaveLength(4);
    expect(second.error).toEqual({ name: 'NoKeyAvailableError', reason: 'daily' });

    const third = await child(envFile, reportsDir, 'all');
    expect(third.granted).toEqual([]);

    const report = JSON.parse(
      await readFile(
        join(reportsDir, `gemini_${dayKeyOf(Date.now(), 'America/Los_Angeles')}.json`),
        'utf8',
      ),
    );
    expect(report.totals.totalCalls).toBe(10);
    expect(report.quota).toEqual({
      GEMINI_API_KEY_1: { 'gemini-2.0-flash': { requests: 5, inputTokens: 0 } },
      GEMINI_API_KEY_2: { 'gemini-2.0-flash': { requests: 5, inputTokens: 0 } },
    });
  });
});
