import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

describe('the offline demo (npm start)', () => {
  it('answers every prompt, cools a key after the injected 429, writes the report', async () => {
    await runExample(
      'demo',
      async (run) => {
        expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
        expect(run.stderr).not.toMatch(/Error|Warning/);
        const out = run.stdout;
        expect(out).toMatch(/local Gemini server at http:\/\/127\.0\.0\.1:\d+/);
        expect(out).toMatch(/!! 429 on GEMINI_API_KEY_3 \(project-b\)/);
        expect(out).toMatch(/\*\* project-b cools until/);
        expect(out).toMatch(/\*\* project-b resumed/);
        expect(out).toMatch(/40 of 40 answered in [\d.]+s; the server answered 429 1 time\(s\)/);
        for (const key of ['1', '2', '3', '4'])
          expect(out).toMatch(new RegExp(`answered by GEMINI_API_KEY_${key}`));
        expect(out).not.toMatch(/demo-only-secret/);

        const files = (await readdir(run.reportsDir)).filter((f) => f.endsWith('.json'));
        expect(files).toHaveLength(1);
        const report = JSON.parse(await readFile(join(run.reportsDir, files[0]!), 'utf8'));
        expect(report.totals.successes).toBe(40);
        expect(report.totals.rateLimited).toBe(1);
      },
      30_000,
    );
  });
});
