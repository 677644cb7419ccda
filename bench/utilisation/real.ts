import { fileURLToPath } from 'node:url';
import { startMockGemini } from '../../src/mock/index.js';
import type { MockLogEntry } from '../../src/mock/types.js';
import { bundled } from '../support/bundle.js';
import { runChild } from '../support/child.js';
import { num, type RunOptions, type Section, table } from '../support/section.js';
import type { RealConfig, RealKey } from './real-config.js';

/** A real-time scenario: keys and the projects the server counts them in. */
interface Scenario {
  readonly name: string;
  readonly keys: readonly RealKey[];
}

const LIMIT = 20;
const WINDOW_MS = 2_000;
/** A margin above the arrival jitter measured on a 2-core machine (up to ~200 ms for the first burst). */
const WIDE_MARGIN_MS = 250;
const MODEL = 'gemini-2.0-flash';

function keysOf(projects: readonly string[]): RealKey[] {
  return projects.map((project, i) => ({
    name: `GEMINI_API_KEY_${i + 1}`,
    secret: `mock-secret-${i + 1}-abcdefghij`,
    project,
  }));
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'one key per project (4 keys, 4 projects)', keys: keysOf(['p1', 'p2', 'p3', 'p4']) },
  {
    name: 'shared projects (6 keys, 3 projects of 2)',
    keys: keysOf(['p1', 'p1', 'p2', 'p2', 'p3', 'p3']),
  },
];

interface RealContenderRow {
  readonly id: string;
  readonly label: string;
  readonly safetyMarginMs?: number;
  readonly quick: boolean;
}

const CONTENDERS: readonly RealContenderRow[] = [
  {
    id: 'keyrelay',
    label: `keyrelay (groups = projects, default margin ${Math.ceil(WINDOW_MS / 50)} ms)`,
    quick: true,
  },
  {
    id: 'keyrelay',
    label: `keyrelay (groups = projects, \`safetyMarginMs: ${WIDE_MARGIN_MS}\`)`,
    safetyMarginMs: WIDE_MARGIN_MS,
    quick: true,
  },
  { id: 'p-queue', label: 'p-queue per key (fixed window)', quick: false },
  { id: 'p-queue-strict', label: 'p-queue per key (`strict`: sliding window)', quick: true },
  { id: 'bottleneck', label: 'Bottleneck Group per key (reservoir)', quick: true },
];

/** What the server saw of one contender. */
interface Observed {
  readonly ok: number;
  readonly tooMany: number;
  readonly arrivals: number;
  readonly ratio: number;
}

function observe(log: readonly MockLogEntry[], durationMs: number, ceiling: number): Observed {
  const generate = log.filter((entry) => entry.method === 'generateContent');
  const t0 = generate[0]?.at ?? 0;
  const inRun = generate.filter((entry) => entry.at < t0 + durationMs);
  const ok = inRun.filter((entry) => entry.outcome === 'ok').length;
  const tooMany = inRun.filter((entry) => entry.status === 429).length;
  return { ok, tooMany, arrivals: inRun.length, ratio: ok / ceiling };
}

/**
 * Benchmark 2b: budget utilisation in real time against the local Gemini
 * server with a compressed window, keyrelay side by side with per-key
 * p-queue and Bottleneck limiters. The server runs in this process; each
 * contender in its own child process.
 */
export async function realUtilisationBenchmark({ quick, log }: RunOptions): Promise<Section> {
  const windows = quick ? 3 : 5;
  const durationMs = windows * WINDOW_MS;
  const script = await bundled(fileURLToPath(new URL('./real-child.ts', import.meta.url)));
  const rows: string[][] = [];
  const keyrelayResults: Observed[] = [];
  const keyrelayWide: Observed[] = [];
  for (const scenario of quick ? SCENARIOS.slice(1) : SCENARIOS) {
    const projects = new Set(scenario.keys.map((key) => key.project)).size;
    const ceiling = (projects * LIMIT * durationMs) / WINDOW_MS;
    for (const contender of CONTENDERS.filter((c) => c.quick || !quick)) {
      const server = await startMockGemini({
        keys: scenario.keys.map((key) => ({
          key: key.secret,
          project: key.project,
          name: key.name,
        })),
        limits: { rpm: LIMIT, windowMs: WINDOW_MS },
        latencyMs: [10, 40],
      });
      try {
        const config: RealConfig = {
          url: server.url,
          model: MODEL,
          keys: scenario.keys,
          limit: LIMIT,
          windowMs: WINDOW_MS,
          durationMs: durationMs + 300,
          ...(contender.safetyMarginMs === undefined
            ? {}
            : { safetyMarginMs: contender.safetyMarginMs }),
        };
        const client = await runChild(script, [contender.id, JSON.stringify(config)]);
        const seen = observe(server.log, durationMs, ceiling);
        if (contender.id === 'keyrelay') {
          (contender.safetyMarginMs === undefined ? keyrelayResults : keyrelayWide).push(seen);
        }
        log(
          `  ${scenario.name} / ${contender.id}: ratio ${seen.ratio.toFixed(3)}, ${seen.tooMany} 429s`,
        );
        rows.push([
          scenario.name,
          contender.label,
          num(ceiling),
          num(seen.ok),
          seen.ratio.toFixed(3),
          num(seen.tooMany),
          `${((seen.tooMany / Math.max(1, seen.arrivals)) * 100).toFixed(1)}%`,
          num(Number(client.rateLimited)),
        ]);
      } finally {
        await server.close();
      }
    }
  }
  const worstOf = (list: readonly Observed[]): number => Math.min(...list.map((r) => r.ratio));
  const tooManyOf = (list: readonly Observed[]): number =>
    list.reduce((sum, r) => sum + r.tooMany, 0);
  const body = [
    `The local Gemini server (\`startMockGemini\`, same process as the runner) with a compressed window: ${LIMIT} requests per ${num(WINDOW_MS)} ms per project (sliding, by arrival time), answers after 10-40 ms. Each contender runs in its own child process and first opens 96 keep-alive connections (\`countTokens\` calls, which count no quota), then sends an endless lazy demand for ${windows} windows and 300 ms; the figures are the server's log over the first ${windows} windows from the first arrival. Ceiling = projects x ${LIMIT} x ${windows} (no schedule can have more 200s in ${windows} back-to-back windows). Transport for every contender: node:http with one keep-alive \`Agent\` (not undici \`fetch\`, which is slow on loopback in Node 20), the same request body and key header as the SDKs.`,
    '',
    `keyrelay is told the projects (quota groups) and the limit per group; p-queue and Bottleneck are set up as a user would who does not know that keys of one project share a quota: one limiter per key with the limit. Every contender waits for the server's \`retryDelay\` after a 429 and sends the request again.`,
    '',
    table(
      [
        'scenario',
        'contender',
        'ceiling',
        '200s in the run',
        'ratio',
        '429s (server)',
        '429 share of arrivals',
        '429s (client)',
      ],
      rows,
    ),
    '',
    `keyrelay's safety margin lengthens each window (default \`min(1 s, window/50)\`: ${Math.ceil(WINDOW_MS / 50)} ms here). Its cost is a sustained rate of window/(window + margin) of the limit (98% by default, ${((WINDOW_MS / (WINDOW_MS + WIDE_MARGIN_MS)) * 100).toFixed(0)}% with ${WIDE_MARGIN_MS} ms), which over ${windows} windows costs no 200s: each burst opens a window, and the drift stays under one window. Compressing the window 30x compresses the default margin with it but not the transit time: the first burst of a run (cold code paths, the whole burst stamped with one \`now\`) reaches the server up to ~200 ms after keyrelay took its budget, so with the default margin the next window's burst overlaps it at the server (see the profile findings).`,
  ].join('\n');
  return {
    title: '2b. Budget utilisation in real time (local Gemini server)',
    body,
    targets: [
      {
        name: 'real time: keyrelay ratio >= 0.98 (worst scenario, default margin)',
        met: worstOf(keyrelayResults) >= 0.98,
        figure: worstOf(keyrelayResults).toFixed(3),
      },
      {
        name: 'real time: keyrelay draws zero 429s (default margin)',
        met: tooManyOf(keyrelayResults) === 0,
        figure: String(tooManyOf(keyrelayResults)),
      },
      {
        name: `real time: keyrelay ratio >= 0.98 (worst scenario, ${WIDE_MARGIN_MS} ms margin)`,
        met: worstOf(keyrelayWide) >= 0.98,
        figure: worstOf(keyrelayWide).toFixed(3),
      },
      {
        name: `real time: keyrelay draws zero 429s (${WIDE_MARGIN_MS} ms margin)`,
        met: tooManyOf(keyrelayWide) === 0,
        figure: String(tooManyOf(keyrelayWide)),
      },
    ],
  };
}
