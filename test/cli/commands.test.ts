import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  readOut,
  runCli,
  spawnCli,
  startMock,
  waitFor,
  workspace,
  writePrompts,
} from './helpers.js';

describe('other commands and outcomes', () => {
  it('keyrelay mock serves until SIGINT, and a run against it works', async () => {
    const dir = workspace(false);
    const server = spawnCli(
      ['mock', '--port', '0', '--keys', '2', '--projects', '1', '--rpm', '50', '--window', '1s'],
      { cwd: dir },
    );
    await waitFor(() => /listening on (http:\S+)/.test(server.stdout()));
    const url = /listening on (http:\S+)/.exec(server.stdout())![1]!;
    expect(server.stdout()).toMatch(/GEMINI_API_KEY_1=mock-key-1/);
    // The environment block it prints is a ready .env: keys, groups and GEMINI_BASE_URL,
    // which `run` reads from the --env-file (no --base-url needed).
    const env = server
      .stdout()
      .split('\n')
      .filter((line) => /^\s+(GEMINI_API_KEY_\d+(_PROJECT)?|GEMINI_BASE_URL)=/.test(line))
      .map((line) => line.trim());
    expect(env).toContain(`GEMINI_BASE_URL=${url}`);
    writeFileSync(join(dir, 'mock.env'), `${env.join('\n')}\n`);
    writePrompts(dir, 10);
    const run = await runCli(
      [
        'run',
        'in.jsonl',
        '--out',
        'out.jsonl',
        '--env-file',
        'mock.env',
        '--reports-dir',
        'reports',
        '--quiet',
      ],
      { cwd: dir },
    );
    expect(run.code).toBe(0);
    expect(readOut(join(dir, 'out.jsonl'))).toHaveLength(10);
    server.child.kill('SIGINT');
    const ended = await server.exited;
    expect(ended.code).toBe(0);
  });

  it('every key refused by the server: exit 2 with a message naming the keys, not the secrets', async () => {
    const mock = await startMock();
    const dir = workspace(false);
    writeFileSync(join(dir, 'bad.env'), 'GEMINI_API_KEY_1=AIzaFAKE-unknown-key-000000000001\n');
    writePrompts(dir, 5);
    const result = await runCli(
      [
        'run',
        'in.jsonl',
        '--out',
        'out.jsonl',
        '--env-file',
        'bad.env',
        '--base-url',
        mock.url,
        '--reports-dir',
        'reports',
        '--quiet',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/GEMINI_API_KEY_1/);
    expect(result.stderr).not.toContain('AIzaFAKE-unknown-key-000000000001');
    expect(readOut(join(dir, 'out.jsonl'))).toHaveLength(0);
  });

  it('--help on every command shows examples; --version prints the version', async () => {
    const dir = workspace(false);
    for (const command of ['run', 'report', 'keys', 'mock']) {
      const help = await runCli([command, '--help'], { cwd: dir });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples:\n\s+\$ keyrelay /);
    }
    const version = await runCli(['--version'], { cwd: dir });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
