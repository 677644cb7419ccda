import { InvalidOptionError } from '../errors.js';
import { emitKeyrelayWarning } from '../warnings.js';
import type { ApiKey } from './api-key.js';
import { buildKeys, type KeyCandidate, validGroupName } from './build-keys.js';
import { EmptyKeyError, InvalidKeyConfigError, NoKeysError } from './errors.js';
import type { KeyEntry, KeysFromListOptions } from './types.js';
import { keyVariablePrefix } from './variable-names.js';

/**
 * Builds keys from an explicit list (keys kept in a vault, a config file,
 * tests), with the checks {@link loadKeysFromEnv} makes: names non-empty and
 * unique, secrets non-empty (trimmed), groups non-empty; a repeated secret is
 * loaded once, as its first entry, with a warning naming both entries. The
 * list's order is kept.
 *
 * @param service - the service the keys are for, e.g. `'gemini'` (used in messages).
 * @example
 * ```ts
 * const keys = keysFromList('gemini', [
 *   { name: 'main', secret: process.env.MAIN_KEY ?? '', group: 'project-a' },
 *   { name: 'spare', secret: process.env.SPARE_KEY ?? '', group: 'project-a' },
 * ]);
 * ```
 * @throws {@link NoKeysError} when the list is empty.
 * @throws {@link EmptyKeyError} naming the first entry whose secret is empty or not a string.
 * @throws {@link InvalidKeyConfigError} for an entry without a name, a repeated
 *   name or an empty group.
 * @throws {@link InvalidOptionError} when `entries` is not an array.
 */
export function keysFromList(
  service: string,
  entries: readonly KeyEntry[],
  options: KeysFromListOptions = {},
): ApiKey[] {
  keyVariablePrefix(service);
  if (!Array.isArray(entries))
    throw new InvalidOptionError('entries', 'an array of { name, secret, group? }', entries);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function')
    throw new InvalidOptionError(
      'onWarning',
      'a function (message: string) => void',
      options.onWarning,
    );
  if (entries.length === 0)
    throw new NoKeysError(
      service,
      `No ${service} API key given: keysFromList('${service}', …) received an empty list. Pass at least one { name, secret }.`,
    );
  const names = new Set<string>();
  const candidates: KeyCandidate[] = entries.map((entry, index) => {
    if (typeof entry !== 'object' || entry === null)
      throw new InvalidKeyConfigError(
        `Key entry ${index} must be an object { name, secret, group? }, received ${entry === null ? 'null' : typeof entry}.`,
      );
    const { name, secret, group } = entry;
    if (typeof name !== 'string' || name.trim() === '')
      throw new InvalidKeyConfigError(`Key entry ${index} needs a non-empty string \`name\`.`);
    if (names.has(name))
      throw new InvalidKeyConfigError(
        `Key entry ${index} repeats the name ${name}; each key needs its own name.`,
      );
    names.add(name);
    if (typeof secret !== 'string')
      throw new EmptyKeyError(
        name,
        `Key ${name} (entry ${index}) has no secret: expected a string, received ${typeof secret}.`,
      );
    return {
      name,
      secret,
      group:
        group === undefined
          ? undefined
          : validGroupName(group, `The group of key ${name} (entry ${index})`),
      where: `(entry ${index} of the list)`,
    };
  });
  return buildKeys(candidates, options.onWarning ?? emitKeyrelayWarning);
}
