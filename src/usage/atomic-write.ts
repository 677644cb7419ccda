import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DailyReport } from './report.js';

/**
 * Writes `text` to `path` atomically: into a temporary file in the same
 * directory (created if missing), flushed to disk, then renamed over `path`.
 * A reader sees the old file or the new one, never a part of either.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/**
 * Writes a report as pretty JSON (two spaces, trailing newline) to `path`
 * atomically (see {@link writeFileAtomic}).
 */
export async function writeReportAtomic(path: string, report: DailyReport): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(report, null, 2)}\n`);
}
