import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FINDINGS, PINS } from './findings.js';
import { overheadBenchmark } from './overhead/benchmark.js';
import { cliBenchmark } from './scale/cli.js';
import { keyScaleBenchmark } from './scale/keys.js';
import { describeMachine } from './support/machine.js';
import { renderBenchmarks } from './support/markdown.js';
import type { RunOptions, Section } from './support/section.js';
import { realUtilisationBenchmark } from './utilisation/real.js';
import { virtualUtilisationBenchmark } from './utilisation/virtual.js';

/** Every benchmark, by the name that selects it on the command line, in running order. */
const BENCHMARKS: Readonly<Record<string, (options: RunOptions) => Promise<Section>>> = {
  overhead: overheadBenchmark,
  virtual: virtualUtilisationBenchmark,
  real: realUtilisationBenchmark,
  scale: keyScaleBenchmark,
  cli: cliBenchmark,
};

/**
 * `npm run bench [-- --quick] [--no-write] [name ...]`: runs the benchmarks
 * (all, or those named) and writes BENCHMARKS.md at the repository root.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const write = !args.includes('--no-write');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = names.filter((name) => BENCHMARKS[name] === undefined);
  if (unknown.length > 0) {
    throw new Error(
      `Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}.`,
    );
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const machine = describeMachine();
  const sections: Section[] = [];
  for (const name of selected) {
    const started = performance.now();
    log(`${name}...`);
    sections.push(await BENCHMARKS[name]!({ quick, log }));
    log(`${name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const markdown = renderBenchmarks(machine, quick, sections, { findings: FINDINGS, pins: PINS });
  if (write) {
    const path = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
    writeFileSync(path, markdown);
    log(`wrote ${path}`);
  } else process.stdout.write(markdown);
  for (const section of sections) {
    for (const target of section.targets) {
      log(`${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.figure}`);
    }
  }
}

await main();
