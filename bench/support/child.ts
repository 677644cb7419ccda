import { spawn } from 'node:child_process';

/** What a child benchmark prints as its last line of standard output. */
export type ChildResult = Record<string, unknown>;

/**
 * Runs `node [nodeArgs] script ...args` in its own process (so that its peak
 * RSS is its own) and returns the JSON object it printed on its last line.
 * Rejects with the child's standard error when it fails or prints no JSON.
 */
export function runChild(
  script: string,
  args: readonly string[],
  options: { readonly nodeArgs?: readonly string[]; readonly timeoutMs?: number } = {},
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code ?? signal}`);
        resolve(JSON.parse(last) as ChildResult);
      } catch (error) {
        reject(
          new Error(
            `${script} ${args.join(' ')} failed (${String(error)}):\n${err.slice(-2000)}${out.slice(-500)}`,
          ),
        );
      }
    });
  });
}

/** Peak resident set size of this process so far, in MB (for a child's report). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}
