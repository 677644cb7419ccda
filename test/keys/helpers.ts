import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const made: string[] = [];

afterEach(async () => {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fresh temporary directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keyrelay-keys-'));
  made.push(dir);
  return dir;
}

/** A fresh temporary directory holding `.env` (or `name`) with `contents`. */
export async function dirWithEnvFile(contents: string, name = '.env'): Promise<string> {
  const dir = await tempDir();
  await writeFile(join(dir, name), contents, 'utf8');
  return dir;
}

/** Runs `fn`, expecting it to throw an Error, and returns that error. */
export function captureError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected an error, none was thrown');
}
