/**
 * Keys: loading a service's API keys from the environment and `.env`,
 * explicit key lists, quota groups, and redaction of secrets. Knows nothing
 * of time or RxJS.
 *
 * @packageDocumentation
 */
export { ApiKey, fingerprintOf } from './api-key.js';
export type { KeySearch } from './errors.js';
export { EmptyKeyError, EnvFileError, InvalidKeyConfigError, NoKeysError } from './errors.js';
export { keysFromList } from './keys-from-list.js';
export { loadKeysFromEnv } from './load-from-env.js';
export { type EnvFileContents, readEnvFile } from './read-env-file.js';
export { redactSecrets } from './redact.js';
export type {
  EnvVars,
  KeyEntry,
  KeySources,
  KeysFromListOptions,
  LoadedKeys,
  LoadKeysOptions,
  WarningHandler,
} from './types.js';
export { keyVariablePrefix } from './variable-names.js';
