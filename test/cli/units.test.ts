import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/errors.js';
import { parseJobLine } from '../../src/cli/job.js';
import { KeyStats } from '../../src/cli/key-stats.js';
import { limitsFromFlags, parseDuration, parseLimit } from '../../src/cli/parse-flags.js';
import { planJob } from '../../src/cli/plan.js';
import { prepareOutput } from '../../src/cli/resume.js';
import { resumeCommand } from '../../src/cli/shell-quote.js';
import { WriteAhead } from '../../src/cli/write-ahead.js';
import { workspace } from './helpers.js';

describe('flag parsing', () => {
  it('reads durations', () => {
    expect(parseDuration('--x', '500ms')).toBe(500);
    expect(parseDuration('--x', '2s')).toBe(2000);
    expect(parseDuration('--x', '1.5s')).toBe(1500);
    expect(parseDuration('--x', '1m')).toBe(60_000);
    expect(parseDuration('--x', '250')).toBe(250);
    expect(parseDuration('--x', '0s', true)).toBe(0);
    expect(() => parseDuration('--x', '0s')).toThrow(UsageError);
    expect(() => parseDuration('--shutdown-timeout', 'soon')).toThrow(
      /--shutdown-timeout: expected a duration/,
    );
  });

  it('reads --limit windows and builds limits', () => {
    expect(parseLimit('10/2s')).toEqual({ requests: 10, per: 2000 });
    expect(parseLimit('50000tokens/1m')).toEqual({ tokens: 50_000, per: 60_000 });
    expect(() => parseLimit('10')).toThrow(/--limit/);
    expect(() => parseLimit('0/1s')).toThrow(/at least 1/);
    expect(limitsFromFlags({ rpm: '15', tpm: '1_000_000', rpd: '1500', limit: ['10/2s'] })).toEqual(
      {
        requestsPerMinute: 15,
        tokensPerMinute: 1_000_000,
        requestsPerDay: 1500,
        windows: [{ requests: 10, per: 2000 }],
      },
    );
    expect(limitsFromFlags({})).toEqual({});
    expect(() => limitsFromFlags({ rpm: '-3' })).toThrow(/--rpm/);
  });
});

describe('input lines', () => {
  it('parses prompts and request bodies, keeps other fields as metadata, numbers lines without id', () => {
    expect(parseJobLine('{"id":"a","prompt":"hi","x":1}', 1)).toMatchObject({
      kind: 'job',
      job: { id: 'a', request: { prompt: 'hi' }, metadata: { x: 1 } },
    });
    expect(parseJobLine('{"prompt":"hi"}', 7)).toMatchObject({
      kind: 'job',
      job: { id: 7, idKey: '7' },
    });
    expect(parseJobLine('   ', 3)).toBeUndefined();
    expect(parseJobLine('{"id":"b","request":{"contents":[]}}', 2)).toMatchObject({
      kind: 'invalid',
      invalid: { id: 'b', line: 2 },
    });
    expect(parseJobLine('[1,2]', 4)).toMatchObject({ kind: 'invalid', invalid: { id: 4 } });
    expect(parseJobLine('{"id":{"a":1},"prompt":"x"}', 5)).toMatchObject({
      kind: 'invalid',
      invalid: { id: 5 },
    });
  });
});

describe('plan arithmetic', () => {
  it('takes the slowest window over all groups, and the days of quota', () => {
    const plan = planJob(1000, 50_000, 2, {
      requestsPerMinute: 10,
      tokensPerMinute: 1000,
      requestsPerDay: 300,
    });
    // rpm: 1000 / 20 × 60 s = 3000 s; tpm: 50000 / 2000 × 60 s = 1500 s.
    expect(plan.timeMs).toBe(3_000_000);
    expect(plan.constraints[0]?.label).toMatch(/--rpm/);
    expect(plan.ceilingPerMinute).toBe(20);
    expect(plan.days).toBe(2);
    expect(planJob(5, 5, 1, {}).timeMs).toBeUndefined();
  });
});

describe('resuming an output file', () => {
  it('cuts a torn last line, skips successes, removes failures to retry them', async () => {
    const dir = workspace(false);
    const path = join(dir, 'out.jsonl');
    writeFileSync(
      path,
      [
        '{"id":"a","ok":true,"text":"x","attempts":1,"metadata":{}}',
        '{"id":"b","ok":false,"error":{"kind":"transient","message":"m"},"attempts":5,"metadata":{}}',
        '{"id":1,"ok":true,"text":"y","attempts":1,"metadata":{}}',
        '{"id":"c","ok":tr',
      ].join('\n'),
    );
    const state = await prepareOutput(path);
    expect([...state.done].sort()).toEqual(['"a"', '1']);
    expect(state).toMatchObject({ succeeded: 2, retrying: 1, keptFailed: 0 });
    expect(state.repairedBytes).toBe('{"id":"c","ok":tr'.length);
    expect(readFileSync(path, 'utf8')).toBe(
      '{"id":"a","ok":true,"text":"x","attempts":1,"metadata":{}}\n{"id":1,"ok":true,"text":"y","attempts":1,"metadata":{}}\n',
    );
  });

  it('keeps failures under --no-retry-failed, and completes a whole last line that lacks its newline', async () => {
    const dir = workspace(false);
    const path = join(dir, 'out.jsonl');
    const failure =
      '{"id":"b","ok":false,"error":{"kind":"permanent","message":"m"},"attempts":1,"metadata":{}}';
    writeFileSync(path, `${failure}\n{"id":"a","ok":true,"text":"x","attempts":1,"metadata":{}}`);
    const state = await prepareOutput(path, { retryFailed: false });
    expect([...state.done].sort()).toEqual(['"a"', '"b"']);
    expect(state.repairedBytes).toBe(0);
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(3);
  });
});

describe('write-ahead', () => {
  it('groups requests that arrive during a flush into one next flush', async () => {
    let flushes = 0;
    let release: (() => void) | undefined;
    const ahead = new WriteAhead(
      () =>
        new Promise<void>((resolve) => {
          flushes++;
          release = resolve;
        }),
      () => undefined,
    );
    const first = ahead.persist();
    const second = ahead.persist();
    const third = ahead.persist();
    expect(flushes).toBe(1);
    expect(second).toBe(third);
    release?.();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toBe(2);
    release?.();
    await second;
    expect(flushes).toBe(2);
  });
});

describe('resume command', () => {
  it('quotes what the shell would split', () => {
    expect(resumeCommand(['run', 'my file.jsonl', '--out', "it's.jsonl", '--limit', '10/2s'])).toBe(
      "keyrelay run 'my file.jsonl' --out 'it'\\''s.jsonl' --limit 10/2s",
    );
  });
});

describe('key states shown by the progress display and the summary', () => {
  it('describes cooling, parked and disabled keys, a hold covering the whole quota group', () => {
    const stats = new KeyStats(
      [
        { name: 'K1', group: 'a' },
        { name: 'K2', group: 'a' },
        { name: 'K3', group: 'b' },
      ],
      'America/Los_Angeles',
    );
    const now = Date.UTC(2026, 2, 9, 12);
    const base = { service: 'gemini', model: 'm', at: now };
    stats.add({
      ...base,
      type: 'dispatched',
      key: 'K1',
      group: 'a',
      attempt: 1,
      estimatedTokens: 3,
    });
    stats.add({ ...base, type: 'cooled', key: 'K1', group: 'a', until: now + 12_000 });
    stats.add({ ...base, type: 'parked', key: 'K3', group: 'b', until: Date.UTC(2026, 2, 10, 7) });
    const [k1, k2, k3] = stats.all;
    expect(k1?.calls).toBe(1);
    expect(stats.describe(k1!, now)).toBe('cooling for 12s');
    expect(stats.describe(k2!, now)).toBe('cooling for 12s');
    expect(stats.describe(k3!, now)).toBe('parked until 00:00 PT');
    stats.add({ ...base, type: 'disabled', key: 'K2', group: 'a', reason: 'API_KEY_INVALID' });
    stats.add({ ...base, type: 'resumed', key: 'K1', group: 'a' });
    expect(stats.describe(k1!, now)).toBe('active');
    expect(stats.describe(k2!, now)).toBe('disabled');
  });
});
