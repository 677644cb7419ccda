import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMockGemini } from '../../src/mock/index.js';
import { bundled } from '../support/bundle.js';
import { num, type RunOptions, type Section, table } from '../support/section.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');
const TIME = '/usr/bin/time';

/** Writes `lines` JSONL prompts, streamed (never the whole file in memory). */
async function writeInput(path: string, lines: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < lines; i++) {
    const line = `{"id":"${i}","prompt":"Write one short sentence about the number ${i}."}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

interface CliRun {
  readonly code: number;
  readonly wallMs: number;
  readonly peakRssMb: number | undefined;
  readonly stderr: string;
  readonly stdout: string;
}

/**
 * Runs the CLI (bundled by esbuild and started with plain `node`, as the
 * built `keyrelay` bin is: no TypeScript loader in its time or RSS), under
 * /usr/bin/time -f %M when there is one (peak RSS).
 */
async function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  timeoutMs: number,
): Promise<CliRun> {
  // The cwd is a scratch directory (no .env there); Node 20 reads a `--env-file`
  // flag even after the script name, so the CLI's own flag cannot be passed.
  const node = [process.execPath, await bundled(CLI), ...args];
  const timed = existsSync(TIME);
  const [command, ...rest] = timed ? [TIME, '-f', 'peak-rss-kb=%M', ...node] : node;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command!, rest, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const rss = /peak-rss-kb=(\d+)/.exec(stderr)?.[1];
      resolve({
        code: code ?? -1,
        wallMs: performance.now() - started,
        peakRssMb: rss === undefined ? undefined : Number(rss) / 1024,
        stderr,
        stdout,
      });
    });
  });
}

function countLines(path: string): number {
  if (!existsSync(path)) return 0;
  const text = readFileSync(path, 'utf8');
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}

/**
 * Benchmark 3b: the CLI streaming a large JSONL file: `--dry-run` (reads,
 * parses and plans every line; sends nothing) on 1,000,000 lines, and a real
 * run against the local Gemini server with limits that do not bind.
 */
export async function cliBenchmark({ quick, log }: RunOptions): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'keyrelay-bench-cli-'));
  // The keys come from the environment; the CLI's default .env must exist.
  writeFileSync(join(dir, '.env'), '');
  const rows: string[][] = [];
  const notes: string[] = [];
  const dryLines = quick ? 100_000 : 1_000_000;
  let dryRss: number | undefined;
  let dryOk = false;
  try {
    const dryInput = join(dir, 'dry.jsonl');
    await writeInput(dryInput, dryLines);
    const env = { ...process.env, KEYRELAY_PROGRESS_INTERVAL_MS: '600000' };
    const dry = await runCli(
      ['run', dryInput, '--dry-run', '--rpm', '15', '--rpd', '1500'],
      env,
      dir,
      300_000,
    );
    dryOk = dry.code === 0 && /Requests: [\d,]+ to send/.test(dry.stdout);
    dryRss = dry.peakRssMb;
    log(
      `  cli --dry-run ${num(dryLines)} lines: exit ${dry.code}, ${num(dry.wallMs)} ms, ${num(dry.peakRssMb ?? 0)} MB`,
    );
    rows.push([
      `\`run --dry-run\` (${num(dryLines)} lines)`,
      dryOk ? 'ok' : `failed (exit ${dry.code})`,
      `${num(dry.wallMs / 1000, 1)} s`,
      num((dryLines / dry.wallMs) * 1000),
      dry.peakRssMb === undefined ? 'n/a' : num(dry.peakRssMb),
    ]);
    if (!dryOk) notes.push(`The dry run failed: ${dry.stderr.slice(-400).replace(/\n/g, ' ')}`);

    const realLines = quick ? 1_000 : 5_000;
    const realInput = join(dir, 'real.jsonl');
    await writeInput(realInput, realLines);
    const keys = Array.from({ length: 4 }, (_, i) => ({
      key: `mock-secret-${i + 1}-abcdefghij`,
      project: `p${i % 2}`,
      name: `GEMINI_API_KEY_${i + 1}`,
    }));
    const server = await startMockGemini({ keys, limits: { rpm: 1_000_000, windowMs: 60_000 } });
    try {
      const keyEnv: NodeJS.ProcessEnv = { ...env };
      keys.forEach((key, i) => {
        keyEnv[`GEMINI_API_KEY_${i + 1}`] = key.key;
        keyEnv[`GEMINI_API_KEY_${i + 1}_PROJECT`] = key.project;
      });
      const out = join(dir, 'out.jsonl');
      const real = await runCli(
        [
          'run',
          realInput,
          '--out',
          out,
          '--base-url',
          server.url,
          '--rpm',
          '1000000',
          '--concurrency',
          '64',
          '--reports-dir',
          join(dir, 'reports'),
          '--quiet',
        ],
        keyEnv,
        dir,
        quick ? 120_000 : 300_000,
      );
      const written = countLines(out);
      const ok = real.code === 0 && written === realLines;
      log(
        `  cli run ${num(realLines)} lines: exit ${real.code}, ${written} results, ${num(real.wallMs)} ms`,
      );
      rows.push([
        `\`run\` against the local server (${num(realLines)} lines, 4 keys, 2 projects, \`--concurrency 64\`)`,
        ok ? 'ok' : `failed (exit ${real.code}, ${written} results)`,
        `${num(real.wallMs / 1000, 1)} s`,
        num((realLines / real.wallMs) * 1000),
        real.peakRssMb === undefined ? 'n/a' : num(real.peakRssMb),
      ]);
      if (!ok)
        notes.push(`The real run did not complete: ${real.stderr.slice(-400).replace(/\n/g, ' ')}`);
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const body = [
    `\`keyrelay run ...\` (\`src/cli/main.ts\` bundled by esbuild, run with plain \`node\` as the built bin is) as a child process, timed from spawn to exit (start-up included); peak RSS from \`/usr/bin/time -f %M\`. The real run goes through the CLI's default SDK (\`@google/generative-ai\`, undici \`fetch\`) to the local server with limits that do not bind; it is kept to a few thousand lines because the SDK's \`fetch\` costs milliseconds per request on loopback, which is the transport, not keyrelay.`,
    '',
    table(['run', 'result', 'wall time', 'lines/s', 'peak RSS (MB)'], rows),
    ...(notes.length > 0 ? ['', ...notes] : []),
  ].join('\n');
  return {
    title: '3b. Scale: the CLI streaming a large file',
    body,
    targets: [
      {
        name: `CLI --dry-run of ${num(dryLines)} lines peaks under 150 MB (it keeps every id: duplicates, resume)`,
        met: dryOk && dryRss !== undefined && dryRss < 150,
        figure: dryRss === undefined ? 'n/a' : `${num(dryRss)} MB`,
      },
    ],
  };
}
