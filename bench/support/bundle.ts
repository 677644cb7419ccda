import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

let outDir: string | undefined;
const built = new Map<string, Promise<string>>();

/**
 * Bundles a child entry point (TypeScript, with its dependencies) into one
 * plain ESM file under the OS temp directory and returns its path, once per
 * run. Children then start with plain `node`, so that their peak RSS is the
 * contender's and not a TypeScript loader's (tsx adds about 40 MB).
 */
export function bundled(entry: string): Promise<string> {
  let path = built.get(entry);
  if (path === undefined) {
    outDir ??= mkdtempSync(join(tmpdir(), 'keyrelay-bench-'));
    const outfile = join(outDir, `${basename(entry, '.ts')}.mjs`);
    path = build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'error',
      // CommonJS dependencies (bottleneck) call require(): give the bundle one.
      banner: {
        js: "import { createRequire as __benchRequire } from 'node:module'; const require = __benchRequire(import.meta.url);",
      },
    }).then(() => outfile);
    built.set(entry, path);
  }
  return path;
}
