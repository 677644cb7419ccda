import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { writeReportAtomic } from '../../src/usage/atomic-write.js';
import { reportId } from '../../src/usage/report.js';
import { readReport } from '../../src/usage/report-file.js';
import { reportPath } from '../../src/usage/report-path.js';
import { parseDailyReport } from '../../src/usage/report-schema.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { startChild } from './fixtures/run-child.js';
import { calls, reduceAll } from './helpers.js';

const AT = Date.UTC(2026, 4, 1, 12);
const DATE = '2026-05-01';
let dir: string;
tempDirPerTest('keyrelay-usage-', (created) => {
  dir = created;
});

function sampleReport(n = 3) {
  return reduceAll(calls(n, { at: AT }), 'UTC').reports[reportId('gemini', DATE)]!;
}

describe('report paths', () => {
  it('is <dir>/<service>_<date>.json and refuses names that would escape the directory', () => {
    expect(reportPath('reports/api_usage', 'gemini', DATE)).toBe(
      'reports/api_usage/gemini_2026-05-01.json',
    );
    expect(() => reportPath(dir, '../evil', DATE)).toThrow(InvalidOptionError);
    expect(() => reportPath(dir, 'gemini', '2026-5-1')).toThrow(/date/);
  });
});

describe('readReport and writeReportAtomic', () => {
  it('returns undefined when the file is missing', async () => {
    expect(await readReport(dir, 'gemini', DATE)).toBeUndefined();
  });

  it('writes a valid, versioned report that reads back equal, creating the directory', async () => {
    const report = sampleReport();
    const nested = join(dir, 'reports', 'api_usage');
    await writeReportAtomic(reportPath(nested, 'gemini', DATE), report);
    const text = await readFile(reportPath(nested, 'gemini', DATE), 'utf8');
    expect(JSON.parse(text).version).toBe(1);
    expect(parseDailyReport(JSON.parse(text)).ok).toBe(true);
    expect(await readReport(nested, 'gemini', DATE)).toEqual(report);
    expect((await readdir(nested)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it.each([
    ['not JSON', '{"version": 1, "servi'],
    ['a wrong version', JSON.stringify({ ...sampleReport(), version: 2 })],
    ['not a report', JSON.stringify({ hello: 'world' })],
    ['another day', JSON.stringify({ ...sampleReport(), date: '2026-04-30' })],
  ])('moves a file that is %s aside with a warning naming the new path', async (_, content) => {
    const path = reportPath(dir, 'gemini', DATE);
    await writeFile(path, content);
    const warnings: string[] = [];
    const now = Date.UTC(2026, 4, 1, 13, 14, 15, 678);
    const report = await readReport(dir, 'gemini', DATE, {
      onWarning: (m) => warnings.push(m),
      now: () => now,
    });
    expect(report).toBeUndefined();
    const aside = `${path}.corrupt-2026-05-01T13-14-15-678Z`;
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(aside);
    expect(await readFile(aside, 'utf8')).toBe(content);
    expect(await readdir(dir)).toEqual([`gemini_${DATE}.json.corrupt-2026-05-01T13-14-15-678Z`]);
    // Counting starts from zero: the file is gone and reads as missing.
    expect(await readReport(dir, 'gemini', DATE)).toBeUndefined();
  });

  it('moves an unreadable file (a directory in its place) aside too', async () => {
    const path = reportPath(dir, 'gemini', DATE);
    await mkdir(path);
    const warnings: string[] = [];
    expect(
      await readReport(dir, 'gemini', DATE, { onWarning: (m) => warnings.push(m) }),
    ).toBeUndefined();
    expect(warnings[0]).toMatch(/moved to .*\.corrupt-/);
  });

  it('defaults to process.emitWarning', async () => {
    await writeFile(reportPath(dir, 'gemini', DATE), 'garbage');
    const seen = new Promise<Error>((resolve) => process.once('warning', resolve));
    await readReport(dir, 'gemini', DATE);
    const warning = await seen;
    expect(warning.name).toBe('KeyrelayWarning');
    expect(warning.message).toContain('.corrupt-');
  });

  it('a reader never sees invalid JSON while another process rewrites the file', async () => {
    const path = reportPath(dir, 'gemini', DATE);
    await writeReportAtomic(path, sampleReport(1));
    const child = startChild('rewrite-loop', [path, '300']);
    let reads = 0;
    let finished = false;
    void child.done.then(() => {
      finished = true;
    });
    while (!finished) {
      const text = await readFile(path, 'utf8');
      const parsed = parseDailyReport(JSON.parse(text)); // throws on torn JSON
      expect(parsed.ok).toBe(true);
      reads += 1;
    }
    const result = await child.done;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(reads).toBeGreaterThan(10);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
