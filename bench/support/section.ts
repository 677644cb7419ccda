/** One target of issue 7 and whether this run met it. */
export interface Target {
  readonly name: string;
  readonly met: boolean;
  /** The figure it was judged on, as text. */
  readonly figure: string;
}

/** What one benchmark contributes to BENCHMARKS.md. */
export interface Section {
  readonly title: string;
  /** Markdown: how it was measured, tables, notes. */
  readonly body: string;
  readonly targets: readonly Target[];
}

/** Options every benchmark receives from `bench/run.ts`. */
export interface RunOptions {
  /** A smaller, faster run (`--quick`). */
  readonly quick: boolean;
  /** Progress lines go here (standard error). */
  readonly log: (line: string) => void;
}

/** A Markdown table. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A number with thousands separators and `digits` decimals. */
export function num(value: number, digits = 0): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** The median of some numbers (the middle run of several). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? sorted[middle]!
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
