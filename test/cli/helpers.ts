import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach } from 'vitest';
import {
  type MockGeminiOptions,
  type MockGeminiServer,
  startMockGemini,
} from '../../src/mock/index.js';

/** The CLI's entry point, run through tsx so no build is needed. */
export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Fake keys: long and recognisable, so a leak into any output is easy to find. */
export const SECRETS = [
  'AIzaFAKE-cli-test-secret-alpha-0001',
  'AIzaFAKE-cli-test-secret-bravo-0002',
  'AIzaFAKE-cli-test-secret-charlie-03',
];

/** Three keys in two projects: keys 1 and 2 share `project-a`. */
export const KEYS = [
  { key: SECRETS[0]!, project: 'project-a', name: 'GEMINI_API_KEY_1' },
  { key: SECRETS[1]!, project: 'project-a', name: 'GEMINI_API_KEY_2' },
  { key: SECRETS[2]!, project: 'project-b', name: 'GEMINI_API_KEY_3' },
];

const servers = new Set<MockGeminiServer>();
const dirs = new Set<string>();
const children = new Set<ChildProcess>();

afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  await Promise.all([...servers].map((server) => server.close()));
  servers.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
});

/** Starts the local Gemini server with {@link KEYS}; closed after the test. */
export async function startMock(
  options: Partial<MockGeminiOptions> = {},
): Promise<MockGeminiServer> {
  const server = await startMockGemini({ keys: KEYS, ...options });
  servers.add(server);
  return server;
}

/** A temporary working directory with a `.env` of {@link KEYS} (removed after the test). */
export function workspace(withKeys = true): string {
  const dir = mkdtempSync(join(tmpdir(), 'keyrelay-cli-'));
  dirs.add(dir);
  if (withKeys) {
    const lines = KEYS.flatMap((key) => [
      `${key.name}=${key.key}`,
      `${key.name}_PROJECT=${key.project}`,
    ]);
    writeFileSync(join(dir, 'keys.env'), `${lines.join('\n')}\n`);
  }
  return dir;
}

/** Writes `count` prompt lines `{"id": "r<i>", "prompt": ...}` to `<dir>/<name>`. */
export function writePrompts(dir: string, count: number, name = 'in.jsonl'): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++)
    lines.push(JSON.stringify({ id: `r${i}`, prompt: `Say something about item ${i}`, n: i }));
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** The environment of a child: no inherited GEMINI_* variables. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...extra };
  return env;
}

/** A running CLI process. */
export interface CliProcess {
  readonly child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<CliResult>;
}

/** How a CLI process ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Spawns `node --import tsx src/cli/main.ts ...args` in `cwd`. */
export function spawnCli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    stdin?: string;
    nodeArgs?: readonly string[];
  },
): CliProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', TSX, MAIN, ...args],
    {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (options.stdin !== undefined) child.stdin!.end(options.stdin);
  else child.stdin!.end();
  const exited = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the CLI to the end. */
export function runCli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    stdin?: string;
    nodeArgs?: readonly string[];
  },
): Promise<CliResult> {
  return spawnCli(args, options).exited;
}

/** A parsed output line. */
export interface OutLine {
  id: string | number;
  ok: boolean;
  text?: string;
  key?: string;
  attempts: number;
  error?: { kind: string; message: string };
  line?: number;
  metadata: Record<string, unknown>;
}

/** Reads a results file; every line must be a whole JSON object. */
export function readOut(path: string): OutLine[] {
  const text = readFileSync(path, 'utf8');
  if (text === '') return [];
  if (!text.endsWith('\n')) throw new Error(`${path} does not end with a newline`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as OutLine);
}

/** Counts of each id's lines, by `ok`. */
export function linesPerId(lines: readonly OutLine[]): Map<string, { ok: number; failed: number }> {
  const counts = new Map<string, { ok: number; failed: number }>();
  for (const line of lines) {
    const key = JSON.stringify(line.id);
    const entry = counts.get(key) ?? { ok: 0, failed: 0 };
    if (line.ok) entry.ok++;
    else entry.failed++;
    counts.set(key, entry);
  }
  return counts;
}

/** Resolves when `predicate` holds, checking every `everyMs`; rejects after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean,
  timeoutMs = 20_000,
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A small deterministic PRNG (mulberry32) for random kill points. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Number of lines in a file (0 when missing). */
export function lineCount(path: string): number {
  try {
    const text = readFileSync(path, 'utf8');
    return text === '' ? 0 : text.split('\n').length - 1;
  } catch {
    return 0;
  }
}

/**
 * The arguments of `keyrelay run in.jsonl --out out.jsonl` against `baseUrl`,
 * with the workspace's `keys.env` and `reports` directory, then `extra`.
 */
export function runArgs(baseUrl: string, ...extra: string[]): string[] {
  return [
    'run',
    'in.jsonl',
    '--out',
    'out.jsonl',
    '--env-file',
    'keys.env',
    '--base-url',
    baseUrl,
    '--reports-dir',
    'reports',
    ...extra,
  ];
}
