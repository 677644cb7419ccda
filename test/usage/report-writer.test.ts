import { readdir, utimes, writeFile } from 'node:fs/promises';
import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { ReportLockError, ReportWriterClosedError } from '../../src/usage/errors.js';
import { withFileLock } from '../../src/usage/file-lock.js';
import { readReport } from '../../src/usage/report-file.js';
import { reportPath } from '../../src/usage/report-path.js';
import { ReportWriter } from '../../src/usage/report-writer.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { startChild } from './fixtures/run-child.js';
import { calls, ev, reduceAll } from './helpers.js';

const AT = Date.UTC(2026, 4, 1, 12);
const DATE = '2026-05-01';
let dir: string;
tempDirPerTest('keyrelay-usage-', (created) => {
  dir = created;
});

const read = () => readReport(dir, 'gemini', DATE);

describe('ReportWriter', () => {
  it('writes only what was added since its last flush', async () => {
    const writer = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC' });
    let state = reduceAll(calls(3, { at: AT }), 'UTC');
    writer.update(state);
    await writer.flush();
    expect((await read())?.totals.totalCalls).toBe(3);
    await writer.flush(); // nothing new: nothing added
    expect((await read())?.totals.totalCalls).toBe(3);
    state = reduceAll(calls(2, { at: AT + 10, key: 'K2' }), 'UTC', state);
    writer.update(state);
    await writer.close();
    const report = await read();
    expect(report?.totals.totalCalls).toBe(5);
    expect(report?.keys.K2?.totalCalls).toBe(2);
    expect(report?.quota['project-a']?.['gemini-2.0-flash']?.requests).toBe(5);
    expect(() => writer.update(state)).toThrow(ReportWriterClosedError);
    expect((await readdir(dir)).sort()).toEqual([`gemini_${DATE}.json`]);
  });

  it('writes each day of its service to its own file and ignores other services', async () => {
    const writer = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC' });
    writer.update(
      reduceAll(
        [
          ...calls(1, { at: AT }),
          ...calls(2, { at: AT + 86_400_000 }),
          ...calls(4, { at: AT, service: 'openai' }),
        ],
        'UTC',
      ),
    );
    await writer.close();
    expect((await readdir(dir)).sort()).toEqual([
      'gemini_2026-05-01.json',
      'gemini_2026-05-02.json',
    ]);
    expect((await readReport(dir, 'gemini', '2026-05-02'))?.totals.totalCalls).toBe(2);
  });

  it('two writers in one process on the same file end with the sum of both', async () => {
    const a = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC' });
    const b = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC' });
    let sa = reduceAll([], 'UTC');
    let sb = reduceAll([], 'UTC');
    const flushes: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      sa = reduceAll(calls(1, { key: 'A', at: AT + i }), 'UTC', sa);
      sb = reduceAll(
        [ev.dispatched({ key: 'B', at: AT + i }), ev.failed({ key: 'B', at: AT + i }, 'transient')],
        'UTC',
        sb,
      );
      a.update(sa);
      b.update(sb);
      flushes.push(a.flush(), b.flush());
    }
    await Promise.all(flushes);
    await Promise.all([a.close(), b.close()]);
    const report = await read();
    expect(report?.keys.A?.totalCalls).toBe(30);
    expect(report?.keys.A?.successes).toBe(30);
    expect(report?.keys.B?.failures).toEqual({ transient: 30 });
    expect(report?.totals.totalCalls).toBe(60);
    expect(report?.quota['project-a']?.['gemini-2.0-flash']?.requests).toBe(60);
  });

  it('two processes writing the same day end with the sum of both deltas', async () => {
    const one = startChild('writer-process', [dir, 'P1', '60', '3']);
    const two = startChild('writer-process', [dir, 'P2', '45', '2']);
    const [r1, r2] = await Promise.all([one.done, two.done]);
    expect(r1.stderr + r2.stderr).toBe('');
    expect([r1.code, r2.code]).toEqual([0, 0]);
    const report = await read();
    expect(report?.keys.P1?.totalCalls).toBe(60);
    expect(report?.keys.P2?.totalCalls).toBe(45);
    expect(report?.totals.successes).toBe(105);
    expect(report?.quota.shared?.['gemini-2.0-flash']?.requests).toBe(105);
    expect((await readdir(dir)).sort()).toEqual([`gemini_${DATE}.json`]);
  });

  it('adds to a file that is there and starts from zero, with a warning, over a corrupt one', async () => {
    const path = reportPath(dir, 'gemini', DATE);
    await writeFile(path, '{ torn');
    const warnings: string[] = [];
    const writer = new ReportWriter({
      dir,
      service: 'gemini',
      timeZone: 'UTC',
      onWarning: (m) => warnings.push(m),
    });
    writer.update(reduceAll(calls(2, { at: AT }), 'UTC'));
    await writer.flush();
    expect((await read())?.totals.totalCalls).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/moved to .*gemini_2026-05-01\.json\.corrupt-/);
    expect((await readdir(dir)).some((f) => f.includes('.corrupt-'))).toBe(true);
  });

  it('debounces: one write, debounceMs after the first update, whatever comes meanwhile (virtual time)', async () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, 1999);
    const writer = new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC', scheduler });
    writer.update(reduceAll(calls(1, { at: AT }), 'UTC'));
    writer.update(reduceAll(calls(2, { at: AT }), 'UTC'));
    expect(scheduler.actions).toHaveLength(1);
    scheduler.flush(); // up to 1999 ms: the timer has not fired
    await new Promise((r) => setTimeout(r, 20));
    expect(await read()).toBeUndefined();
    scheduler.maxFrames = 2000;
    scheduler.flush(); // at 2000 ms the timer fires and starts the write
    expect(scheduler.actions).toHaveLength(0);
    await writer.flush(); // waits for the write in progress; nothing new to add
    expect((await read())?.totals.totalCalls).toBe(2);
  });

  it('validates its options', () => {
    expect(() => new ReportWriter({ dir, service: 'gemini', timeZone: 'Atlantis' })).toThrow(
      InvalidOptionError,
    );
    expect(() => new ReportWriter({ dir, service: 'a/b', timeZone: 'UTC' })).toThrow(/service/);
    expect(
      () => new ReportWriter({ dir, service: 'gemini', timeZone: 'UTC', debounceMs: -5 }),
    ).toThrow(/debounceMs/);
  });
});

describe('withFileLock', () => {
  it('gives up with ReportLockError while a fresh lock is held', async () => {
    const lock = `${dir}/x.lock`;
    await writeFile(lock, 'held');
    await expect(withFileLock(lock, async () => 1, { timeoutMs: 100 })).rejects.toBeInstanceOf(
      ReportLockError,
    );
  });

  it('breaks a stale lock', async () => {
    const lock = `${dir}/x.lock`;
    await writeFile(lock, 'left by a dead process');
    const old = new Date(Date.now() - 60_000);
    await utimes(lock, old, old);
    expect(await withFileLock(lock, async () => 42, { staleMs: 10_000, timeoutMs: 1000 })).toBe(42);
    expect(await readdir(dir)).toEqual([]);
  });

  it('lets one holder in at a time', async () => {
    const lock = `${dir}/x.lock`;
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(lock, async () => {
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((r) => setTimeout(r, 2));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });
});
