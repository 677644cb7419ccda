import { readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessAlive } from './process-alive.js';

/**
 * Removes what a killed keyrelay process may have left in the reports
 * directory: `<service>_<date>.json.lock` files whose process no longer runs
 * (else the next run would wait for them to go stale, ~10 s, and may give up
 * writing), and `.<service>_<date>.json.<pid>.<hex>.tmp` files of dead
 * processes. Live processes' files are left alone. Returns how many were removed.
 */
export function clearDeadReportLocks(dir: string, service: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(`${service}_`) && name.endsWith('.json.lock')) {
      const path = join(dir, name);
      const pid = pidOfLock(path);
      if (pid === undefined || isProcessAlive(pid)) continue;
      const claimed = `${path}.dead-${process.pid}`;
      try {
        renameSync(path, claimed);
        if (pidOfLock(claimed) === pid) unlinkSync(claimed);
        else renameSync(claimed, path);
        removed++;
      } catch {
        // released or taken meanwhile
      }
      continue;
    }
    const temp = /^\.(.+\.json)\.(\d+)\.[0-9a-f]+\.tmp$/.exec(name);
    if (temp?.[1]?.startsWith(`${service}_`) === true && !isProcessAlive(Number(temp[2]))) {
      try {
        unlinkSync(join(dir, name));
        removed++;
      } catch {
        // gone
      }
    }
  }
  return removed;
}

function pidOfLock(path: string): number | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as { pid?: unknown };
    return typeof value.pid === 'number' ? value.pid : undefined;
  } catch {
    return undefined;
  }
}
