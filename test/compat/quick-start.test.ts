import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayKeyOf } from '../../src/budget/index.js';
import { KeyManager } from '../../src/compat/index.js';
import { tempDirPerTest } from '../support/temp-dir.js';

let dir: string;
tempDirPerTest('keyrelay-compat-', (created) => {
  dir = created;
});

/** Stands in for the seed's `call_api_with_key(api_key)`. */
function callApiWithKey(apiKey: string): { ok: true; usedKeyLength: number } {
  return { ok: true, usedKeyLength: apiKey.length };
}

describe("the seed's Quick Start, line for line", () => {
  it("multiple keys from .env (the seed's exact lines), round-robin, a saved report", async () => {
    await writeFile(
      join(dir, '.env'),
      'GEMINI_API_KEY_1 = first_api_key\nGEMINI_API_KEY_2=second_api_key\nGEMINI_API_KEY_3=third_api_key\n',
    );
    const reportsDir = join(dir, 'reports', 'api_usage');

    // Initialize with keys from environment variables
    const keyManager = new KeyManager({
      serviceName: 'gemini',
      cwd: dir,
      env: {},
      reportsDir,
      flushOnSignals: false,
    });

    // Get the next available key in round-robin fashion
    const [keyName, apiKey] = keyManager.getNextKey();
    expect([keyName, apiKey]).toEqual(['GEMINI_API_KEY_1', 'first_api_key']);

    // Use the key with your API client
    const response = callApiWithKey(apiKey);
    expect(response.ok).toBe(true);

    // Optional: Save usage report
    const path = await keyManager.saveDailyReport();

    const today = dayKeyOf(Date.now(), 'America/Los_Angeles');
    expect(path).toBe(join(reportsDir, `gemini_${today}.json`));
    const text = await readFile(path, 'utf8');
    const report = JSON.parse(text);
    expect(report).toMatchObject({ version: 1, service: 'gemini', date: today });
    expect(report.keys.GEMINI_API_KEY_1.totalCalls).toBe(1);
    expect(text).not.toContain('first_api_key');

    expect(keyManager.getNextKey()).toEqual(['GEMINI_API_KEY_2', 'second_api_key']);
    expect(keyManager.getNextKey()).toEqual(['GEMINI_API_KEY_3', 'third_api_key']);
    expect(keyManager.getNextKey()).toEqual(['GEMINI_API_KEY_1', 'first_api_key']);
    await keyManager.close();
    const final = JSON.parse(await readFile(path, 'utf8'));
    expect(final.totals.totalCalls).toBe(4);
  });

  it('a single key: GEMINI_API_KEY=your_api_key', async () => {
    await writeFile(join(dir, '.env'), 'GEMINI_API_KEY=your_api_key\n');
    const keyManager = new KeyManager({
      serviceName: 'gemini',
      cwd: dir,
      env: {},
      reportsDir: join(dir, 'reports'),
      flushOnSignals: false,
    });
    expect(keyManager.getNextKey()).toEqual(['GEMINI_API_KEY', 'your_api_key']);
    expect(keyManager.getNextKey()).toEqual(['GEMINI_API_KEY', 'your_api_key']);
    expect(keyManager.getUsageReport().GEMINI_API_KEY?.totalCalls).toBe(2);
    await keyManager.close();
  });

  it("saveDailyReport writes today's file even before any key was used", async () => {
    await writeFile(join(dir, '.env'), 'GEMINI_API_KEY=your_api_key\n');
    const keyManager = new KeyManager({
      cwd: dir,
      env: {},
      reportsDir: join(dir, 'reports'),
      flushOnSignals: false,
    });
    const path = await keyManager.saveDailyReport();
    const report = JSON.parse(await readFile(path, 'utf8'));
    expect(report.totals.totalCalls).toBe(0);
    await keyManager.close();
    await expect(keyManager.saveDailyReport()).rejects.toThrow(/after close/);
  });
});
