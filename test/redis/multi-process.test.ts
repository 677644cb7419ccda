import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockGeminiServer, startMockGemini } from '../../src/mock/index.js';
import {
  describeWithRedis,
  startTestRedis,
  type TestRedis,
  testPrefix,
} from '../support/redis-server.js';
import {
  arrivalsByProject,
  busiestWindow,
  meanRefillGap,
  runWorkers,
  splitIds,
  startWorker,
  type WorkerSettings,
} from './workers.js';

/*
 * Real worker processes (`node --import tsx fixtures/worker.ts`) sharing 3
 * keys in 2 quota groups through one Redis, against the local Gemini server
 * with a compressed window (5 requests per second). Both suites live in this
 * file so that they run one after the other and their workers do not
 * compete with each other for the CPU.
 */

const RPM = 5;
const WINDOW_MS = 1_000;

/**
 * The client's safety margin. The window is compressed to one second, so the
 * transit jitter between taking budget and arriving at the server (several
 * busy processes on two cores) is a large share of it; a real minute window
 * uses 1 s.
 */
const MARGIN_MS = 250;
const WORKERS = 4;
const REQUESTS = 48;
const OUTAGE_REQUESTS = 40;
const OUTAGE_MS = 1_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The local Gemini server of both runs: 3 keys in 2 projects, `RPM` per window. */
function startProjectsMock(): Promise<MockGeminiServer> {
  return startMockGemini({
    keys: [
      { key: 'mock-key-1', project: 'project-a', name: 'K1' },
      { key: 'mock-key-2', project: 'project-a', name: 'K2' },
      { key: 'mock-key-3', project: 'project-b', name: 'K3' },
    ],
    limits: { rpm: RPM, windowMs: WINDOW_MS },
    timeZone: 'UTC',
  });
}

/** What every worker of a run is told: the servers, a fresh key prefix and the limits. */
function workerSettings(redis: TestRedis, mock: MockGeminiServer, run: string): WorkerSettings {
  return {
    redisUrl: redis.url,
    mockUrl: mock.url,
    prefix: testPrefix(run),
    rpm: RPM,
    windowMs: WINDOW_MS,
    marginMs: MARGIN_MS,
  };
}

describeWithRedis('several processes sharing keys through one Redis', () => {
  let redis: TestRedis;
  let mock: MockGeminiServer;

  beforeAll(async () => {
    redis = await startTestRedis();
    mock = await startProjectsMock();
  });
  afterAll(async () => {
    await mock?.close();
    await redis?.dispose();
  });

  it('4 workers, 3 keys in 2 quota groups: no window exceeded, every request answered once, the shared ceiling reached', async () => {
    const settings = workerSettings(redis, mock, 'workers');
    const runs = await runWorkers(settings, splitIds(REQUESTS, WORKERS));

    // Every id answered exactly once, by the right echo, across all processes.
    const results = runs.flatMap((run) => run.results);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: REQUESTS }, (_, id) => id),
    );
    for (const r of results) expect(r.text).toBe(`Echo: request-${r.id}`);
    expect(runs.every((run) => (run.counts.dispatched ?? 0) === run.results.length)).toBe(true);

    // The server saw each request once and refused none: no window was ever exceeded.
    // (The workers' warm-up calls used an unknown key: no project, no quota.)
    const generate = mock.log.filter(
      (e) => e.method === 'generateContent' && e.project !== undefined,
    );
    expect(generate.filter((e) => e.outcome !== 'ok')).toEqual([]);
    expect(generate).toHaveLength(REQUESTS);
    const byProject = arrivalsByProject(mock.log);
    expect([...byProject.keys()].sort()).toEqual(['project-a', 'project-b']);
    for (const arrivals of byProject.values()) {
      expect(busiestWindow(arrivals, WINDOW_MS)).toBeLessThanOrEqual(RPM);
    }

    // The combined rate reached the shared ceiling: each group's window was
    // refilled as soon as it allowed (window + margin). Transit times move
    // single arrivals a few ms either way; the strict bound is the check above.
    const span = WINDOW_MS + MARGIN_MS;
    for (const [project, arrivals] of byProject) {
      const gap = meanRefillGap(arrivals, RPM);
      const ratio = span / gap;
      console.info(
        `${project}: ${arrivals.length} requests, mean refill gap ${gap.toFixed(1)} ms for a ${span} ms window: ${(ratio * 100).toFixed(1)}% of the ceiling`,
      );
      expect(ratio).toBeGreaterThan(0.95);
      expect(ratio).toBeLessThan(1.05);
    }
  }, 45_000);
});

describeWithRedis(
  'Redis stopped in the middle of a run and started again',
  () => {
    let redis: TestRedis;
    let mock: MockGeminiServer;

    beforeAll(async () => {
      redis = await startTestRedis({ own: true });
      mock = await startProjectsMock();
    });
    afterAll(async () => {
      await mock?.close();
      await redis?.dispose();
    });

    it('the run completes, nothing over budget, nothing lost or done twice, store errors reported while down', async () => {
      const settings = workerSettings(redis, mock, 'outage');
      const workers = splitIds(OUTAGE_REQUESTS, WORKERS).map((ids) => startWorker(settings, ids));
      await Promise.all(workers.map((worker) => worker.ready));
      for (const worker of workers) worker.go();
      const answered = () =>
        mock.log.filter((e) => e.method === 'generateContent' && e.outcome === 'ok').length;
      while (answered() < 12) await sleep(10);

      // Down: the data is saved on the way (like a restarted production Redis).
      await redis.stop({ save: true });
      const atStop = answered();
      await sleep(OUTAGE_MS);
      const duringOutage = answered() - atStop;
      await redis.start();
      const runs = await Promise.all(workers.map((worker) => worker.done));

      // Fail closed: at most the requests already reserved went out while Redis was down.
      expect(duringOutage).toBeLessThanOrEqual(2 * RPM);

      const results = runs.flatMap((run) => run.results);
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(results.map((r) => r.id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: OUTAGE_REQUESTS }, (_, id) => id),
      );
      for (const r of results) expect(r.text).toBe(`Echo: request-${r.id}`);

      const generate = mock.log.filter(
        (e) => e.method === 'generateContent' && e.project !== undefined,
      );
      expect(generate.filter((e) => e.outcome !== 'ok')).toEqual([]);
      expect(generate).toHaveLength(OUTAGE_REQUESTS);
      for (const arrivals of arrivalsByProject(mock.log).values()) {
        expect(busiestWindow(arrivals, WINDOW_MS)).toBeLessThanOrEqual(RPM);
      }

      const storeErrors = runs.map((run) => run.counts.store_error ?? 0);
      console.info(`store_error events per worker while Redis was down: ${storeErrors.join(', ')}`);
      expect(storeErrors.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      const message = runs.find((run) => run.firstStoreError !== undefined)?.firstStoreError;
      expect(message).toMatch(/RedisStoreError: Redis budget store at 127\.0\.0\.1:\d+ failed/);
    }, 45_000);
  },
  true,
);
