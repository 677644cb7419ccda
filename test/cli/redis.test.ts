import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithRedis, startTestRedis, type TestRedis } from '../support/redis-server.js';
import { linesPerId, readOut, spawnCli, startMock, workspace } from './helpers.js';

const PER_WINDOW = 5;
const WINDOW_MS = 1_000;

describeWithRedis(
  'keyrelay run --redis: two workers share one budget',
  () => {
    let redis: TestRedis;
    beforeAll(async () => {
      redis = await startTestRedis({ own: true });
    });
    afterAll(async () => {
      await redis?.dispose();
    });

    it('never lets a project exceed its window, and answers every id exactly once', async () => {
      const server = await startMock({ limits: { rpm: PER_WINDOW, windowMs: WINDOW_MS } });
      const dir = workspace();
      const inputs = [0, 1].map((worker) => {
        const lines = Array.from({ length: 15 }, (_, i) =>
          JSON.stringify({ id: `w${worker}-${i}`, prompt: `Worker ${worker}, item ${i}` }),
        );
        const path = join(dir, `in-${worker}.jsonl`);
        writeFileSync(path, `${lines.join('\n')}\n`);
        return path;
      });
      const workers = inputs.map((input, worker) =>
        spawnCli(
          [
            'run',
            input,
            '--out',
            join(dir, `out-${worker}.jsonl`),
            '--env-file',
            'keys.env',
            '--base-url',
            server.url,
            '--limit',
            `${PER_WINDOW}/${WINDOW_MS}ms`,
            '--safety-margin',
            '250ms',
            '--redis',
            redis.url,
            '--reports-dir',
            join(dir, `reports-${worker}`),
            '--quiet',
          ],
          { cwd: dir },
        ),
      );
      const exits = await Promise.all(workers.map((w) => w.exited));
      for (const exit of exits) expect(exit.code, exit.stderr).toBe(0);

      const answered = new Map<string, { ok: number; failed: number }>();
      for (const worker of [0, 1]) {
        for (const [id, counts] of linesPerId(readOut(join(dir, `out-${worker}.jsonl`))))
          answered.set(id, counts);
      }
      expect(answered.size).toBe(30);
      for (const counts of answered.values()) expect(counts).toEqual({ ok: 1, failed: 0 });

      const log = server.log.filter((entry) => entry.method === 'generateContent');
      expect(log.filter((entry) => entry.status === 429)).toEqual([]);
      for (const project of ['project-a', 'project-b']) {
        const arrivals = log.filter((entry) => entry.project === project).map((entry) => entry.at);
        for (const at of arrivals) {
          expect(arrivals.filter((t) => t >= at && t < at + WINDOW_MS).length).toBeLessThanOrEqual(
            PER_WINDOW,
          );
        }
      }
    }, 60_000);
  },
  true,
);
