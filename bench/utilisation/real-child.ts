import { closeAgent, warmUp } from '../support/http-gemini.js';
import { bottleneckReal } from './real-bottleneck.js';
import type { RealConfig, RealContender } from './real-config.js';
import { keyrelayReal } from './real-keyrelay.js';
import { pQueueReal } from './real-p-queue.js';

const CONTENDERS: Readonly<Record<string, RealContender>> = {
  keyrelay: keyrelayReal,
  'p-queue': pQueueReal(false),
  'p-queue-strict': pQueueReal(true),
  bottleneck: bottleneckReal,
};

/** Child entry: `real-child <contender> <config JSON>`; prints the client's counts as one JSON line. */
async function main(): Promise<void> {
  const [name = '', json = '{}'] = process.argv.slice(2);
  const contender = CONTENDERS[name];
  if (contender === undefined) throw new Error(`unknown contender ${name}`);
  const config = JSON.parse(json) as RealConfig;
  const first = config.keys[0];
  if (first !== undefined) await warmUp(config.url, first.secret, config.model, 96);
  const counts = await contender(config);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  closeAgent();
  process.exit(0);
}

await main();
