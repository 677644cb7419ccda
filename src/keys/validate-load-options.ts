import { InvalidOptionError } from '../errors.js';
import type { LoadKeysOptions } from './types.js';

/**
 * Checks the shape of {@link LoadKeysOptions} (for callers without types).
 *
 * @throws {@link InvalidOptionError} naming the first malformed option.
 */
export function validateLoadOptions(options: LoadKeysOptions): void {
  if (typeof options !== 'object' || options === null)
    throw new InvalidOptionError('options', 'an object', options);
  const { env, envFile, cwd, groups, onWarning } = options;
  if (env !== undefined && (typeof env !== 'object' || env === null))
    throw new InvalidOptionError('env', 'an object of environment variables', env);
  if (envFile !== undefined && envFile !== false && (typeof envFile !== 'string' || envFile === ''))
    throw new InvalidOptionError('envFile', 'a non-empty path or false', envFile);
  if (cwd !== undefined && (typeof cwd !== 'string' || cwd === ''))
    throw new InvalidOptionError('cwd', 'a non-empty directory path', cwd);
  if (onWarning !== undefined && typeof onWarning !== 'function')
    throw new InvalidOptionError('onWarning', 'a function (message: string) => void', onWarning);
  if (groups === undefined) return;
  if (typeof groups !== 'object' || groups === null || Array.isArray(groups))
    throw new InvalidOptionError('groups', 'an object of key name to group name', groups);
  for (const [name, group] of Object.entries(groups))
    if (typeof group !== 'string' || group.trim() === '')
      throw new InvalidOptionError(`groups.${name}`, 'a non-empty quota group name', group);
}
