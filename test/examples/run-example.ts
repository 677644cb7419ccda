import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: examples run from there, as `npx tsx examples/<file>.ts` would. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What a finished example printed. */
export interface ExampleRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Where it wrote its reports (a temporary directory, removed afterwards). */
  readonly reportsDir: string;
}

/**
 * Runs `examples/<name>.ts` in a child process (`node --import tsx`),
 * offline: GEMINI_BASE_URL and every key variable are left out of its
 * environment, and KEYRELAY_REPORTS_DIR points at a temporary directory.
 * `inspect` runs while the temporary directory still exists.
 */
export async function runExample(
  name: string,
  inspect: (run: ExampleRun) => Promise<void> | void = () => undefined,
  timeoutMs = 20_000,
): Promise<ExampleRun> {
  const reportsDir = await mkdtemp(join(tmpdir(), 'keyrelay-example-'));
  try {
    const run = await new Promise<ExampleRun>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'examples', `${name}.ts`)],
        {
          cwd: ROOT,
          timeout: timeoutMs,
          env: { PATH: process.env.PATH ?? '', KEYRELAY_REPORTS_DIR: reportsDir },
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr, reportsDir });
        },
      );
    });
    await inspect(run);
    return run;
  } finally {
    await rm(reportsDir, { recursive: true, force: true });
  }
}
