import { KeyrelayError } from '../errors.js';

/**
 * Where {@link loadKeysFromEnv} looked for keys, carried by {@link NoKeysError}.
 */
export interface KeySearch {
  /** The variable names looked for, e.g. `['GEMINI_API_KEY', 'GEMINI_API_KEY_<n>']`. */
  readonly variables: readonly string[];
  /**
   * The `.env` file consulted: its absolute path and whether it existed;
   * `undefined` when reading a `.env` file was turned off (`envFile: false`).
   */
  readonly envFile: { readonly path: string; readonly found: boolean } | undefined;
}

/**
 * No API key was found (or an explicit list of keys was empty). The message
 * lists the variable names looked for, where, and how to set one.
 */
export class NoKeysError extends KeyrelayError {
  override name = 'NoKeysError';
  /** The service whose keys were looked for, as given (e.g. `'gemini'`). */
  readonly service: string;
  /** Where the keys were looked for; `undefined` for an explicit list. */
  readonly search: KeySearch | undefined;

  constructor(service: string, message: string, search?: KeySearch) {
    super(message);
    this.service = service;
    this.search = search;
  }
}

/**
 * A key's value is empty or whitespace only. The message names the variable
 * (or list entry) and where it was set, never a value.
 */
export class EmptyKeyError extends KeyrelayError {
  override name = 'EmptyKeyError';
  /** The key's name: the variable (or list entry name) whose value is empty. */
  readonly keyName: string;

  constructor(keyName: string, message: string) {
    super(message);
    this.keyName = keyName;
  }
}

/**
 * A `.env` file that was asked for explicitly (option `envFile`) is missing,
 * or a `.env` file exists but cannot be read (a directory, no permission).
 */
export class EnvFileError extends KeyrelayError {
  override name = 'EnvFileError';
  /** The file's absolute path. */
  readonly path: string;

  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.path = path;
  }
}

/**
 * The key configuration is inconsistent: an empty quota group name, two list
 * entries with one name, an entry without a name. The message names the
 * variable or entry; it never contains a secret.
 */
export class InvalidKeyConfigError extends KeyrelayError {
  override name = 'InvalidKeyConfigError';
}
