import type { Machine } from './machine.js';
import type { Section, Target } from './section.js';
import { table } from './section.js';

/** Profile findings and notes that belong in BENCHMARKS.md whatever the run measured. */
export interface Notes {
  readonly findings: string;
  readonly pins: string;
}

/** The whole of BENCHMARKS.md. */
export function renderBenchmarks(
  machine: Machine,
  quick: boolean,
  sections: readonly Section[],
  notes: Notes,
): string {
  const targets: Target[] = sections.flatMap((section) => [...section.targets]);
  return [
    '# Benchmarks',
    '',
    `Written by \`npm run bench${quick ? ' -- --quick' : ''}\` (\`bench/run.ts\`) on ${machine.date}. Every figure that compares is a ratio taken side by side in the same run: absolute times on shared machines drift.`,
    '',
    table(
      ['machine', ''],
      [
        ['CPU', `${machine.cpu} (${machine.cores} cores)`],
        ['memory', `${machine.memoryGb} GB`],
        ['Node', machine.node],
        ['platform', machine.platform],
        ['run', quick ? '`--quick` (smaller workloads)' : 'full'],
      ],
    ),
    '',
    '## Targets',
    '',
    table(
      ['target', 'this run', 'met'],
      targets.map((t) => [t.name, t.figure, t.met ? 'yes' : '**no**']),
    ),
    '',
    ...sections.flatMap((section) => [`## ${section.title}`, '', section.body, '']),
    '## What the profile showed',
    '',
    notes.findings,
    '',
    '## Running',
    '',
    '```sh',
    'npm run bench                       # everything, ~4 min on 2 cores',
    'npm run bench -- --quick            # smaller workloads, ~2 min',
    'npm run bench -- overhead scale     # only some benchmarks: overhead, virtual, real, scale, cli',
    'npm run bench -- --no-write         # print, do not write BENCHMARKS.md',
    'npx tsx bench/support/profile-summary.ts <file.cpuprofile>   # top self-time functions',
    '```',
    '',
    notes.pins,
    '',
  ].join('\n');
}
