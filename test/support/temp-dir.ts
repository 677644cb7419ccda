import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

/**
 * Gives every test of the calling file a fresh temporary directory (named
 * `<prefix>XXXXXX` under the OS temp directory), handed to `onCreate` before
 * the test and removed after it.
 */
export function tempDirPerTest(prefix: string, onCreate: (dir: string) => void): void {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    onCreate(dir);
  });
  afterEach(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
}
