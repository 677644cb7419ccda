import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dayKeyOf } from '../../src/budget/index.js';
import {
  KEYS,
  linesPerId,
  readOut,
  runArgs,
  runCli,
  SECRETS,
  startMock,
  workspace,
  writePrompts,
} from './helpers.js';

function assertNoSecrets(...texts: string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

function reportFiles(dir: string): string[] {
  const reports = join(dir, 'reports');
  return existsSync(reports) ? readdirSync(reports).filter((name) => name.endsWith('.json')) : [];
}

describe('keyrelay run against the local Gemini server', () => {
  it('answers every id once, turns malformed lines into invalid_input lines, resumes, and never shows a secret', async () => {
    const mock = await startMock({ limits: { rpm: 40, windowMs: 1000 }, latencyMs: [2, 15] });
    const dir = workspace();
    const lines: string[] = [];
    for (let i = 0; i < 40; i++)
      lines.push(JSON.stringify({ id: `r${i}`, prompt: `Tell me about ${i}`, n: i }));
    lines.push('this is not json'); // line 41
    lines.push(JSON.stringify({ id: 'no-prompt', topic: 'x' })); // line 42
    lines.push(''); // line 43, blank: skipped
    lines.push(JSON.stringify({ prompt: 'I have no id' })); // line 44: id 44
    lines.push(
      JSON.stringify({
        id: 'body',
        request: { contents: [{ role: 'user', parts: [{ text: 'full body' }] }] },
      }),
    ); // 45
    lines.push(JSON.stringify({ id: 'r3', prompt: 'duplicate id' })); // line 46: same id as line 4
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    const args = runArgs(mock.url, '--limit', '40/1s');

    const first = await runCli(args, { cwd: dir });
    expect(first.code).toBe(1); // some lines failed (invalid input)
    const out = readOut(join(dir, 'out.jsonl'));
    const counts = linesPerId(out);
    expect(counts.size).toBe(44);
    for (const [, count] of counts) expect(count.ok + count.failed).toBe(1);
    const byId = new Map(out.map((line) => [line.id, line]));
    for (let i = 0; i < 40; i++) {
      const line = byId.get(`r${i}`)!;
      expect(line.ok).toBe(true);
      expect(line.text).toContain(`Tell me about ${i}`);
      expect(line.metadata).toEqual({ n: i });
      expect(KEYS.map((key) => key.name)).toContain(line.key);
    }
    expect(byId.get(41)).toMatchObject({ ok: false, line: 41, error: { kind: 'invalid_input' } });
    expect(byId.get(41)?.error?.message).toMatch(/line 41: not valid JSON/);
    expect(byId.get('no-prompt')).toMatchObject({
      ok: false,
      line: 42,
      error: { kind: 'invalid_input' },
      metadata: { topic: 'x' },
    });
    expect(byId.get(44)).toMatchObject({ ok: true, text: expect.stringContaining('I have no id') });
    expect(byId.get('body')).toMatchObject({
      ok: true,
      text: expect.stringContaining('full body'),
    });
    expect(first.stderr).toMatch(/line 46 repeats the id "r3"/);
    // What the server really received: one successful request per sendable line, on all three keys.
    const served = mock.log.filter((entry) => entry.outcome === 'ok');
    expect(served).toHaveLength(42);
    expect(new Set(served.map((entry) => entry.key))).toEqual(new Set(KEYS.map((key) => key.name)));
    expect(first.stdout).toMatch(/Summary: 42 succeeded, 2 failed \(invalid_input 2\)/);

    // The report of the day counts them.
    const files = reportFiles(dir);
    expect(files).toEqual([`gemini_${dayKeyOf(Date.now(), 'America/Los_Angeles')}.json`]);
    const report = JSON.parse(readFileSync(join(dir, 'reports', files[0]!), 'utf8'));
    expect(report.totals.successes).toBe(42);

    // Re-running skips what succeeded and tries the invalid lines again (they fail again).
    const again = await runCli(args, { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(
      /Summary: 0 succeeded, 2 failed \(invalid_input 2\), 43 already done/,
    );
    expect(mock.log.filter((entry) => entry.outcome === 'ok')).toHaveLength(42);
    const after = linesPerId(readOut(join(dir, 'out.jsonl')));
    expect(after.size).toBe(44);
    for (const [, count] of after) expect(count.ok + count.failed).toBe(1);

    // report and keys read what the run wrote.
    const reportJson = await runCli(['report', '--reports-dir', 'reports', '--json'], { cwd: dir });
    expect(reportJson.code).toBe(0);
    expect(JSON.parse(reportJson.stdout).totals.successes).toBe(42);
    const reportTable = await runCli(['report', '--reports-dir', 'reports', '--days', '3'], {
      cwd: dir,
    });
    expect(reportTable.code).toBe(0);
    expect(reportTable.stdout).toMatch(/GEMINI_API_KEY_1/);
    const keys = await runCli(
      ['keys', '--env-file', 'keys.env', '--reports-dir', 'reports', '--rpd', '1000'],
      { cwd: dir },
    );
    expect(keys.code).toBe(0);
    expect(keys.stdout).toMatch(/3 gemini keys in 2 quota groups/);
    expect(keys.stdout).toMatch(/GEMINI_API_KEY_2\s+project-a\s+sha256:[0-9a-f]{8}/);
    expect(keys.stdout).toMatch(/project-b\s+gemini-2\.0-flash\s+\d+\s+\d+\s+\d+ of 1,000/);

    assertNoSecrets(
      first.stdout,
      first.stderr,
      again.stdout,
      again.stderr,
      reportJson.stdout,
      reportTable.stdout,
      keys.stdout,
      keys.stderr,
      readFileSync(join(dir, 'out.jsonl'), 'utf8'),
      readFileSync(join(dir, 'reports', files[0]!), 'utf8'),
    );
  });

  it('reads standard input when the input is -', async () => {
    const mock = await startMock();
    const dir = workspace();
    const input = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({ id: i, prompt: `piped ${i}` }),
    ).join('\n');
    const result = await runCli(
      [
        'run',
        '-',
        '--out',
        'out.jsonl',
        '--env-file',
        'keys.env',
        '--base-url',
        mock.url,
        '--reports-dir',
        'reports',
        '--quiet',
      ],
      { cwd: dir, stdin: `${input}\n` },
    );
    expect(result.code).toBe(0);
    const counts = linesPerId(readOut(join(dir, 'out.jsonl')));
    expect([...counts.keys()].sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => String(i)).sort(),
    );
    for (const [, count] of counts) expect(count).toEqual({ ok: 1, failed: 0 });
    // --quiet: the summary only, no progress lines.
    expect(result.stderr).not.toMatch(/progress:/);
    expect(result.stdout).toMatch(/Summary: 25 succeeded/);
  });

  it('prints plain progress lines without escape codes when not on a terminal', async () => {
    const mock = await startMock({ latencyMs: 40 });
    const dir = workspace();
    writePrompts(dir, 30);
    const result = await runCli(runArgs(mock.url, '--concurrency', '2'), {
      cwd: dir,
      env: { KEYRELAY_PROGRESS_INTERVAL_MS: '100' },
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/progress: \d+\/30 done \(\d+%\) \| 0 failed \| [\d.]+\/min/);
    expect(result.stderr).toMatch(/GEMINI_API_KEY_1 \d+ calls active/);
    expect(result.stderr).not.toContain('\u001b[');
  });

  it('stops at the daily budget without writing the postponed requests, and a re-run the same day sends nothing', async () => {
    const mock = await startMock({ latencyMs: 5 });
    const dir = workspace();
    writePrompts(dir, 20);
    // --rpd 4 per quota group, two groups: 8 requests today.
    const args = runArgs(mock.url, '--rpd', '4', '--concurrency', '2');
    const first = await runCli(args, { cwd: dir });
    expect(first.code).toBe(75);
    const out = readOut(join(dir, 'out.jsonl'));
    expect(out).toHaveLength(8);
    expect(out.every((line) => line.ok)).toBe(true);
    expect(first.stderr).toMatch(/daily quota is spent/);
    expect(first.stderr).toMatch(/resets at \d{4}-\d{2}-\d{2} 00:00 PT \(America\/Los_Angeles\)/);
    expect(first.stderr).toMatch(
      /Run the same command again after that to resume: keyrelay run in\.jsonl --out out\.jsonl/,
    );
    const sent = mock.log.length;
    expect(sent).toBe(8);

    const second = await runCli(args, { cwd: dir });
    expect(second.code).toBe(75);
    expect(mock.log.length).toBe(sent); // today's usage came back from the report: nothing more was sent
    expect(readOut(join(dir, 'out.jsonl'))).toHaveLength(8);
  });

  it('--dry-run prints the time and the days of quota the job needs, and sends and writes nothing', async () => {
    const dir = workspace();
    // 100 prompts of 40 characters: 10 estimated tokens each.
    const lines = Array.from({ length: 100 }, (_, i) =>
      JSON.stringify({ id: i, prompt: `${'x'.repeat(36)}${String(i).padStart(4, '0')}` }),
    );
    lines.push('{broken');
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`);
    // 3 keys in 2 groups. rpm: 100 / (2 × 10) × 60 s = 300 s; tpm: 1000 / (2 × 200) × 60 s = 150 s; rpd: ceil(100 / (2 × 30)) = 2 days.
    const result = await runCli(
      [
        'run',
        'in.jsonl',
        '--dry-run',
        '--env-file',
        'keys.env',
        '--rpm',
        '10',
        '--tpm',
        '200',
        '--rpd',
        '30',
        '--reports-dir',
        'reports',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Requests: 100 to send \(1 invalid lines, 0 already done/);
    expect(result.stdout).toMatch(/Estimated input tokens: 1,000 \(about 10 per request\)/);
    expect(result.stdout).toMatch(/3 keys in 2 quota groups/);
    expect(result.stdout).toMatch(/Ceiling: 20\.0\/min requests over 2 quota groups/);
    expect(result.stdout).toMatch(
      /Time needed: 5m 00s \(300 s\) at the ceiling, bound by requests per minute/,
    );
    expect(result.stdout).toMatch(/Days of quota: 2 \(60 requests per day over 2 quota groups/);

    // A custom window: 100 / (2 × 10) × 2 s = 10 s; the token window binds when it is slower: 1000 / (2 × 25) × 1 s = 20 s.
    const custom = await runCli(
      [
        'run',
        'in.jsonl',
        '--dry-run',
        '--env-file',
        'keys.env',
        '--limit',
        '10/2s',
        '--limit',
        '25tokens/1s',
      ],
      { cwd: dir },
    );
    expect(custom.code).toBe(0);
    expect(custom.stdout).toMatch(
      /Time needed: 20s \(20 s\) at the ceiling, bound by 25 tokens per 1000 ms/,
    );
    expect(custom.stdout).toMatch(/Days of quota: 1 \(no --rpd given/);
    expect(readdirSync(dir).sort()).toEqual(['in.jsonl', 'keys.env']);
  });
});

describe('keyrelay run usage errors: exit 2, one clear message, nothing written', () => {
  const cases: { name: string; args: string[]; env?: string; message: RegExp }[] = [
    {
      name: 'a missing input file',
      args: ['run', 'missing.jsonl', '--out', 'out.jsonl'],
      message: /input file missing\.jsonl does not exist/,
    },
    {
      name: 'a bad --rpm',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl', '--rpm', 'fast'],
      message:
        /Invalid value for --rpm: expected a whole number of at least 1 \(e\.g\. --rpm 15\), received "fast"/,
    },
    {
      name: 'a bad --limit',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl', '--limit', '10/soon'],
      message: /Invalid value for --limit: expected a duration/,
    },
    {
      name: 'a bad --sdk',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl', '--sdk', 'other'],
      message: /--sdk/,
    },
    {
      name: 'an unknown flag',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl', '--rmp', '5'],
      message: /unknown option '--rmp'/,
    },
    { name: 'no --out', args: ['run', 'in.jsonl'], message: /Missing --out/ },
    {
      name: 'an output directory that does not exist',
      args: ['run', 'in.jsonl', '--out', 'nowhere/out.jsonl'],
      message: /directory of --out .* does not exist/,
    },
    {
      name: 'a bad --base-url',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl', '--base-url', 'localhost:80'],
      message: /Invalid value for --base-url/,
    },
    {
      name: 'no keys',
      args: ['run', 'in.jsonl', '--out', 'out.jsonl'],
      env: 'OTHER=1\n',
      message: /No gemini API key found.*GEMINI_API_KEY/,
    },
  ];
  it.each(cases)('$name', async ({ args, env, message }) => {
    const dir = workspace(env === undefined);
    writePrompts(dir, 3);
    if (env !== undefined) writeFileSync(join(dir, 'keys.env'), env);
    const before = readdirSync(dir).sort();
    const result = await runCli([...args, '--env-file', 'keys.env', '--reports-dir', 'reports'], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});
