import { measureOverhead } from '../overhead/benchmark.js';
import { num, type RunOptions, type Section, table } from '../support/section.js';

const KEY_COUNTS = [1, 10, 100, 1_000] as const;

/**
 * Benchmark 3a: keyrelay's per-request cost with 1, 10, 100 and 1,000 keys
 * (each its own quota group), the overhead benchmark's no-op call and lazy source.
 */
export async function keyScaleBenchmark({ quick, log }: RunOptions): Promise<Section> {
  const requests = quick ? 50_000 : 200_000;
  const repeats = quick ? 1 : 3;
  const measured: { keys: number; nsPerRequest: number; peakRssMb: number }[] = [];
  for (const keys of KEY_COUNTS) {
    const m = await measureOverhead(
      `keyrelay, ${keys} keys`,
      { contender: 'keyrelay', requests, keys },
      repeats,
      log,
    );
    measured.push({ keys, nsPerRequest: 1e9 / m.perSecond, peakRssMb: m.peakRssMb });
  }
  const base = measured[0]!.nsPerRequest;
  const growth = measured[measured.length - 1]!.nsPerRequest / base;
  const body = [
    `keyrelay's \`schedule()\` on the overhead benchmark's no-op call (${num(requests)} requests, at most 100 in flight, usage events on, budgets that do not bind), each key its own quota group; median of ${repeats} run(s), each in its own child process.`,
    '',
    table(
      ['keys', 'ns per request', 'cost / 1 key', 'peak RSS (MB)'],
      measured.map((m) => [
        num(m.keys),
        num(m.nsPerRequest),
        (m.nsPerRequest / base).toFixed(2),
        num(m.peakRssMb),
      ]),
    ),
  ].join('\n');
  return {
    title: '3a. Scale: keys',
    body,
    targets: [
      {
        name: 'per-request cost grows at most 2x from 1 to 1,000 keys',
        met: growth <= 2,
        figure: `${growth.toFixed(2)}x`,
      },
    ],
  };
}
