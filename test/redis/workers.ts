import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { MockLogEntry } from '../../src/mock/index.js';

const WORKER = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** One line a worker printed for a result. */
export interface WorkerResult {
  readonly id: number;
  readonly ok: boolean;
  readonly key?: string;
  readonly group?: string;
  readonly text?: string;
  readonly kind?: string;
  readonly message?: string;
}

/** What one worker process did. */
export interface WorkerRun {
  readonly results: WorkerResult[];
  readonly counts: Record<string, number>;
  readonly firstStoreError: string | undefined;
}

/** The settings every worker of a run shares. */
export interface WorkerSettings {
  readonly redisUrl: string;
  readonly mockUrl: string;
  readonly prefix: string;
  readonly rpm: number;
  readonly windowMs: number;
  readonly marginMs: number;
}

/** A started worker process. */
export interface Worker {
  /** Resolves once the worker is connected and warmed up. */
  readonly ready: Promise<void>;
  /** Let it start sending. */
  go(): void;
  /** Resolves with what it did when it exits 0. */
  readonly done: Promise<WorkerRun>;
}

/**
 * Run workers on `lists` of ids, all starting at once (after every one is
 * ready); resolves with each one's run.
 */
export async function runWorkers(
  settings: WorkerSettings,
  lists: readonly (readonly number[])[],
): Promise<WorkerRun[]> {
  const workers = lists.map((ids) => startWorker(settings, ids));
  await Promise.all(workers.map((worker) => worker.ready));
  for (const worker of workers) worker.go();
  return Promise.all(workers.map((worker) => worker.done));
}

/** Start one worker process (`node --import tsx worker.ts`) on `ids`. */
export function startWorker(settings: WorkerSettings, ids: readonly number[]): Worker {
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  let go: () => void = () => undefined;
  const done = new Promise<WorkerRun>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER], {
      cwd: ROOT,
      env: {
        ...process.env,
        KEYRELAY_TEST_REDIS_URL: settings.redisUrl,
        KEYRELAY_TEST_MOCK_URL: settings.mockUrl,
        KEYRELAY_TEST_PREFIX: settings.prefix,
        KEYRELAY_TEST_IDS: ids.join(','),
        KEYRELAY_TEST_RPM: String(settings.rpm),
        KEYRELAY_TEST_WINDOW_MS: String(settings.windowMs),
        KEYRELAY_TEST_MARGIN_MS: String(settings.marginMs),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    go = () => child.stdin.write('go\n');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.includes('{"ready":true}')) markReady();
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`worker exited with ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const lines = stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.ready !== true);
      const summary = lines.find((line) => line.summary === true);
      if (summary === undefined) {
        reject(new Error(`worker printed no summary: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        results: lines.filter((line) => line.summary !== true) as unknown as WorkerResult[],
        counts: summary.counts as Record<string, number>,
        firstStoreError: summary.firstStoreError as string | undefined,
      });
    });
  });
  done.catch(() => markReady());
  return { ready, go: () => go(), done };
}

/** Split `0 … count-1` round-robin into `parts` lists. */
export function splitIds(count: number, parts: number): number[][] {
  const lists: number[][] = Array.from({ length: parts }, () => []);
  for (let id = 0; id < count; id++) lists[id % parts]!.push(id);
  return lists;
}

/** Per project, the generate requests the server counted, in arrival order. */
export function arrivalsByProject(log: readonly MockLogEntry[]): Map<string, number[]> {
  const byProject = new Map<string, number[]>();
  for (const entry of log) {
    if (entry.method !== 'generateContent' || entry.outcome !== 'ok') continue;
    const project = entry.project ?? '?';
    let list = byProject.get(project);
    if (list === undefined) {
      list = [];
      byProject.set(project, list);
    }
    list.push(entry.at);
  }
  for (const list of byProject.values()) list.sort((a, b) => a - b);
  return byProject;
}

/** The most arrivals in any window `(t - windowMs, t]`, as the server counts. */
export function busiestWindow(arrivals: readonly number[], windowMs: number): number {
  let most = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while (arrivals[start]! <= arrivals[end]! - windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/**
 * The mean time between an arrival and the one `limit` before it: a window
 * spent to its ceiling makes it the window's length (plus transit).
 */
export function meanRefillGap(arrivals: readonly number[], limit: number): number {
  let sum = 0;
  let n = 0;
  for (let k = limit; k < arrivals.length; k++) {
    sum += arrivals[k]! - arrivals[k - limit]!;
    n++;
  }
  return n === 0 ? Number.NaN : sum / n;
}
