import { readFileSync } from 'node:fs';

/**
 * keyrelay's version, from its package.json (found next to `src/` or `dist/`).
 * `'0.0.0'` when it cannot be read.
 */
export function packageVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const text = readFileSync(new URL(relative, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (parsed.name === 'keyrelay' && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // try the next place
    }
  }
  return '0.0.0';
}
