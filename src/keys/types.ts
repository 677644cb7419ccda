import type { WarningHandler } from '../warnings.js';

export type { WarningHandler };

import type { ApiKey } from './api-key.js';

/**
 * A set of environment variables: `process.env` or any plain object of
 * strings.
 */
export type EnvVars = Readonly<Record<string, string | undefined>>;

/** Options of {@link loadKeysFromEnv}. */
export interface LoadKeysOptions {
  /**
   * The environment to read. It wins over the `.env` file for the same
   * variable (dotenv's convention), even when its value is empty.
   * It is only read, never changed.
   *
   * @defaultValue `process.env`
   * @example `{ env: { GEMINI_API_KEY_1: 'AIza…' } }`
   */
  readonly env?: EnvVars;
  /**
   * The `.env` file to read, relative to {@link LoadKeysOptions.cwd} (or
   * absolute), parsed with dotenv's `parse()` (so `process.env` is not
   * changed); `false` reads no file. A missing default `.env` is fine; a
   * missing file given here explicitly is an {@link EnvFileError}.
   *
   * @defaultValue `'.env'`
   * @example `{ envFile: 'config/keys.env' }`
   */
  readonly envFile?: string | false;
  /**
   * The directory a relative {@link LoadKeysOptions.envFile} is resolved
   * against.
   *
   * @defaultValue `process.cwd()`
   */
  readonly cwd?: string;
  /**
   * Quota groups by key name: keys of one Google Cloud project share one
   * budget. Wins over `<SERVICE>_API_KEY_<n>_PROJECT` variables. A key in no
   * group is its own group.
   *
   * @defaultValue `{}`
   * @example `{ groups: { GEMINI_API_KEY_1: 'project-a', GEMINI_API_KEY_2: 'project-a' } }`
   */
  readonly groups?: Readonly<Record<string, string>>;
  /**
   * Receives warnings (duplicate key values, `_PROJECT` variables whose key
   * is not set).
   *
   * @defaultValue `(message) => process.emitWarning(message, 'KeyrelayWarning')`
   */
  readonly onWarning?: WarningHandler;
}

/** Options of {@link keysFromList}. */
export interface KeysFromListOptions {
  /**
   * Receives warnings (duplicate key values).
   *
   * @defaultValue `(message) => process.emitWarning(message, 'KeyrelayWarning')`
   */
  readonly onWarning?: WarningHandler;
}

/** One key given explicitly to {@link keysFromList}. */
export interface KeyEntry {
  /** The key's name, shown wherever the key is mentioned; unique, non-empty. */
  readonly name: string;
  /** The secret; non-empty. Surrounding whitespace is trimmed. */
  readonly secret: string;
  /** The quota group; default: the key's own name (a group of one). */
  readonly group?: string | undefined;
}

/** Where the loaded keys came from. */
export interface KeySources {
  /** Names of the variables (keys and `_PROJECT`) taken from the environment. */
  readonly env: readonly string[];
  /**
   * The `.env` file consulted: absolute path, whether it existed and the
   * names of the variables taken from it (the environment wins over it);
   * `undefined` when `envFile: false`.
   */
  readonly envFile:
    | { readonly path: string; readonly found: boolean; readonly variables: readonly string[] }
    | undefined;
}

/** What {@link loadKeysFromEnv} returns. */
export interface LoadedKeys {
  /** The service as given, e.g. `'gemini'`. */
  readonly service: string;
  /**
   * The keys: the unnumbered `<SERVICE>_API_KEY` first, then by number
   * (`_2` before `_10`), each secret once. Never empty.
   */
  readonly keys: readonly ApiKey[];
  /** Where they came from. */
  readonly sources: KeySources;
}
