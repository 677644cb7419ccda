import { describe, expect, it } from 'vitest';
import { flushOnExitSignals } from '../../src/usage/exit-signals.js';
import { readReport } from '../../src/usage/report-file.js';
import { tempDirPerTest } from '../support/temp-dir.js';
import { startChild } from './fixtures/run-child.js';

let dir: string;
tempDirPerTest('keyrelay-usage-', (created) => {
  dir = created;
});

describe('flushOnExitSignals', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'flushes on %s, then the process ends by that signal',
    async (signal) => {
      const child = startChild('signal-process', [dir, '7']);
      await child.line('ready');
      expect(await readReport(dir, 'gemini', '2026-05-01')).toBeUndefined();
      child.child.kill(signal);
      const result = await child.done;
      expect(result.stderr).toBe('');
      expect(result.signal).toBe(signal);
      expect((await readReport(dir, 'gemini', '2026-05-01'))?.totals.totalCalls).toBe(7);
    },
  );

  it('returns a function that removes its listeners', () => {
    const before = process.listenerCount('SIGTERM');
    const stop = flushOnExitSignals({ flush: async () => undefined });
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    expect(process.listenerCount('SIGINT')).toBeGreaterThan(0);
    stop();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
