import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Checks that the input can be read: `-` (standard input) or a readable file.
 *
 * @throws {@link UsageError} naming the problem and the fix.
 */
export function checkInput(path: string): void {
  if (path === '-') return;
  if (!existsSync(path)) {
    throw new UsageError(
      `The input file ${path} does not exist. Give the path of a JSONL file (one {"id", "prompt"} object per line), or - to read standard input.`,
      { flag: '<input>' },
    );
  }
  if (!statSync(path).isFile()) {
    throw new UsageError(
      `The input ${path} is not a file. Give the path of a JSONL file, or - for standard input.`,
      {
        flag: '<input>',
      },
    );
  }
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new UsageError(
      `The input file ${path} cannot be read (permission denied). Check its permissions.`,
      {
        flag: '<input>',
      },
    );
  }
}

/**
 * Checks that the results file can be appended to: its directory exists and is
 * writable, and the file, if it exists, is a writable file.
 *
 * @throws {@link UsageError} naming the problem and the fix.
 */
export function checkOutput(path: string, input: string): void {
  if (input !== '-' && resolve(path) === resolve(input)) {
    throw new UsageError('--out is the input file itself. Choose another file for the results.', {
      flag: '--out',
    });
  }
  const dir = dirname(resolve(path));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(
      `The directory of --out (${dir}) does not exist. Create it first, or choose another --out.`,
      {
        flag: '--out',
      },
    );
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(
      `The directory of --out (${dir}) is not writable. Fix its permissions, or choose another --out.`,
      {
        flag: '--out',
      },
    );
  }
  if (existsSync(path)) {
    if (!statSync(path).isFile()) {
      throw new UsageError(
        `--out ${path} exists and is not a file. Choose a file path for the results.`,
        { flag: '--out' },
      );
    }
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch {
      throw new UsageError(
        `--out ${path} cannot be read and written (permission denied). Fix its permissions, or choose another --out.`,
        {
          flag: '--out',
        },
      );
    }
  }
}

/**
 * Checks that the reports directory is a writable directory, or can be
 * created (its nearest existing parent is a writable directory).
 *
 * @throws {@link UsageError} naming `--reports-dir`.
 */
export function checkReportsDir(dir: string): void {
  let current = resolve(dir);
  for (;;) {
    if (existsSync(current)) {
      if (!statSync(current).isDirectory()) {
        throw new UsageError(
          `--reports-dir ${dir}: ${current} is not a directory. Choose a directory for the usage reports.`,
          {
            flag: '--reports-dir',
          },
        );
      }
      try {
        accessSync(current, constants.W_OK | constants.X_OK);
      } catch {
        throw new UsageError(
          `--reports-dir ${dir}: ${current} is not writable. Fix its permissions, or choose another --reports-dir.`,
          {
            flag: '--reports-dir',
          },
        );
      }
      return;
    }
    const parent = dirname(current);
    if (parent === current) return;
    current = parent;
  }
}
