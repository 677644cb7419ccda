import { readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { EnvFileError } from './errors.js';

/** A `.env` file as read by {@link readEnvFile}. */
export interface EnvFileContents {
  /** The file's absolute path. */
  readonly path: string;
  /** Whether the file existed. */
  readonly found: boolean;
  /** Its variables, parsed by dotenv's `parse()` (empty when not found). */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * Reads and parses a `.env` file with dotenv's `parse()`, which neither
 * changes `process.env` nor logs. dotenv accepts `KEY=value`,
 * `KEY = value` (spaces around `=`), quotes, comments, `export KEY=value`,
 * CRLF line ends and a byte-order mark.
 *
 * @param path - the file's absolute path.
 * @param required - when true a missing file is an error; otherwise it reads as empty.
 * @throws {@link EnvFileError} when the file is missing and `required`, or
 *   exists but cannot be read (a directory, no permission).
 */
export function readEnvFile(path: string, required: boolean): EnvFileContents {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return { path, found: false, vars: {} };
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'cannot be read (permission denied)'
            : `cannot be read (${code ?? 'unknown error'})`;
    throw new EnvFileError(
      path,
      `The .env file ${path} ${why}. Fix the \`envFile\` option (a path relative to \`cwd\`, or absolute), or pass \`envFile: false\` to read keys from the environment only.`,
      { cause: error },
    );
  }
  return { path, found: true, vars: parse(text) };
}
