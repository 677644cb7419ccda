import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
}

/** One line of a profile summary: a function and its share of the samples. */
export interface HotSpot {
  readonly name: string;
  readonly selfPercent: number;
}

/**
 * The functions with the most self time in a `.cpuprofile` written by
 * `node --cpu-prof`, as `function (file:line)`, largest first.
 */
export function hotSpots(path: string, top = 15): HotSpot[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const self = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').pop() ?? url;
    const name = `${functionName || '(anonymous)'}${file ? ` (${file}:${lineNumber + 1})` : ''}`;
    self.set(name, (self.get(name) ?? 0) + hits);
  }
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, hits]) => ({ name, selfPercent: total === 0 ? 0 : (hits / total) * 100 }));
}

if (process.argv[1]?.endsWith('profile-summary.ts')) {
  for (const spot of hotSpots(process.argv[2] ?? '', Number(process.argv[3] ?? 25))) {
    console.log(`${spot.selfPercent.toFixed(1).padStart(5)}%  ${spot.name}`);
  }
}
