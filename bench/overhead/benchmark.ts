import { fileURLToPath } from 'node:url';
import { bundled } from '../support/bundle.js';
import { runChild } from '../support/child.js';
import { median, num, type RunOptions, type Section, table } from '../support/section.js';

/** One measured contender: its median rate over the repeats and its largest peak RSS. */
interface Measured {
  readonly label: string;
  readonly requests: number;
  readonly perSecond: number;
  readonly peakRssMb: number;
  readonly runs: number;
}

const KEYS = 10;
const CONCURRENCY = 100;

/** Runs one contender `repeats` times, each in a fresh child process. */
export async function measureOverhead(
  label: string,
  args: { contender: string; requests: number; keys?: number; source?: string },
  repeats: number,
  log: (line: string) => void,
): Promise<Measured> {
  const script = await bundled(fileURLToPath(new URL('./child.ts', import.meta.url)));
  const rates: number[] = [];
  let peak = 0;
  for (let run = 0; run < repeats; run++) {
    const result = await runChild(script, [
      args.contender,
      String(args.requests),
      String(args.keys ?? KEYS),
      String(CONCURRENCY),
      args.source ?? 'async-iterable',
    ]);
    rates.push(Number(result.perSecond));
    peak = Math.max(peak, Number(result.peakRssMb));
    log(`  ${label}: ${num(Number(result.perSecond))} req/s, ${num(Number(result.peakRssMb))} MB`);
  }
  return {
    label,
    requests: args.requests,
    perSecond: median(rates),
    peakRssMb: peak,
    runs: repeats,
  };
}

/**
 * Benchmark 1: scheduler overhead. A no-op async call, 10 keys, budgets that
 * do not bind, a lazy source; each contender in its own child process.
 */
export async function overheadBenchmark({ quick, log }: RunOptions): Promise<Section> {
  const big = quick ? 100_000 : 1_000_000;
  const small = quick ? 10_000 : 100_000;
  const repeats = quick ? 1 : 3;
  const measure = (label: string, args: Parameters<typeof measureOverhead>[1], times = repeats) =>
    measureOverhead(label, args, times, log);

  const floor = await measure('bare async worker pool (floor)', {
    contender: 'floor',
    requests: big,
  });
  const mergeMap = await measure('RxJS mergeMap(concurrency)', {
    contender: 'merge-map',
    requests: big,
  });
  const pQueue = await measure('p-queue, one queue per key', {
    contender: 'p-queue',
    requests: big,
  });
  const bottleneck = await measure(
    'Bottleneck Group, one limiter per key',
    { contender: 'bottleneck', requests: quick ? 2_000 : 10_000 },
    1,
  );
  const keyrelay = await measure('keyrelay schedule(), AsyncIterable source', {
    contender: 'keyrelay',
    requests: big,
  });
  const keyrelaySmall = await measure('keyrelay schedule(), AsyncIterable source', {
    contender: 'keyrelay',
    requests: small,
  });
  const observable = await measure('keyrelay schedule(), from(generator) source', {
    contender: 'keyrelay',
    requests: big,
    source: 'observable',
  });

  const all = [floor, mergeMap, pQueue, bottleneck, keyrelay, keyrelaySmall, observable];
  const rows = all.map((m) => [
    m.label,
    num(m.requests),
    num(m.perSecond),
    `${(m.perSecond / keyrelay.perSecond).toFixed(3)}`,
    `${(keyrelay.perSecond / m.perSecond).toFixed(2)}x`,
    num(m.peakRssMb),
  ]);
  const vsPQueue = keyrelay.perSecond / pQueue.perSecond;
  const vsBottleneck = keyrelay.perSecond / bottleneck.perSecond;
  const body = [
    `A call that returns an already-resolved promise; ${KEYS} keys; at most ${CONCURRENCY} requests in flight over all keys (${CONCURRENCY / KEYS} per key for the per-key limiters); every limiter configured with per-minute budgets that never bind. Every contender pulls the same lazy AsyncIterable (requests are made on demand); keyrelay's usage events are on (\`pool.usage$\` subscribed). Each row is its own child process (a plain \`node\` on an esbuild bundle, so that no TypeScript loader is in the RSS); rates are the median of ${repeats} run(s) after a 20,000-request warm-up in the same process; peak RSS is \`process.resourceUsage().maxRSS\` at the end of the child. Bottleneck is run on fewer requests because it is three orders of magnitude slower; its rate is still a rate.`,
    '',
    table(
      ['contender', 'requests', 'requests/s', 'rate / keyrelay', 'keyrelay is', 'peak RSS (MB)'],
      rows,
    ),
    '',
    `The \`from(generator)\` row pushes every request into keyrelay's queue at once (an Observable has no back-pressure), so its RSS grows with the workload; use an AsyncIterable for large inputs.`,
  ].join('\n');
  return {
    title: '1. Scheduler overhead',
    body,
    targets: [
      {
        name: `keyrelay >= 1,000,000 req/s (${num(big)} requests)`,
        met: keyrelay.perSecond >= 1_000_000,
        figure: `${num(keyrelay.perSecond)} req/s`,
      },
      {
        name: 'keyrelay >= 5x p-queue',
        met: vsPQueue >= 5,
        figure: `${vsPQueue.toFixed(2)}x`,
      },
      {
        name: 'keyrelay >= 100x Bottleneck',
        met: vsBottleneck >= 100,
        figure: `${vsBottleneck.toFixed(0)}x`,
      },
      {
        name: `keyrelay peak RSS flat and < 150 MB from ${num(small)} to ${num(big)} requests`,
        met: keyrelay.peakRssMb < 150 && keyrelay.peakRssMb <= keyrelaySmall.peakRssMb * 1.25,
        figure: `${num(keyrelaySmall.peakRssMb)} MB -> ${num(keyrelay.peakRssMb)} MB`,
      },
    ],
  };
}
