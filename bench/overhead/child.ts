import { peakRssMb } from '../support/child.js';
import { bottleneckContender } from './bottleneck.js';
import type { OverheadConfig, OverheadContender } from './config.js';
import { floor } from './floor.js';
import { keyrelayContender } from './keyrelay.js';
import { mergeMapContender } from './merge-map.js';
import { pQueueContender } from './p-queue.js';

/** The contenders of the overhead benchmark, by the name the parent passes. */
export const CONTENDERS: Readonly<Record<string, OverheadContender>> = {
  floor,
  'merge-map': mergeMapContender,
  'p-queue': pQueueContender,
  bottleneck: bottleneckContender,
  keyrelay: keyrelayContender,
};

/**
 * Child entry: `child <contender> <requests> <keys> <concurrency> <source>`.
 * Runs once briefly to warm up, then measures, and prints one JSON line:
 * `{ requests, ms, perSecond, peakRssMb }`.
 */
async function main(): Promise<void> {
  const [name = '', requests = '0', keys = '10', concurrency = '100', source = 'async-iterable'] =
    process.argv.slice(2);
  const contender = CONTENDERS[name];
  if (contender === undefined) throw new Error(`unknown contender ${name}`);
  const config: OverheadConfig = {
    requests: Number(requests),
    keys: Number(keys),
    concurrency: Number(concurrency),
    source: source === 'observable' ? 'observable' : 'async-iterable',
  };
  await contender({ ...config, requests: Math.min(20_000, config.requests) });
  const start = process.hrtime.bigint();
  const done = await contender(config);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (done !== config.requests) throw new Error(`${name}: ${done} of ${config.requests} completed`);
  process.stdout.write(
    `${JSON.stringify({ requests: done, ms, perSecond: (done / ms) * 1000, peakRssMb: peakRssMb() })}\n`,
  );
}

await main();
