import { InvalidOptionError } from '../errors.js';

/**
 * The prefix of a service's key variables: the service upper-cased, every
 * character other than `A-Z` and `0-9` turned into `_`, then `_API_KEY`.
 *
 * @example `keyVariablePrefix('gemini')` is `'GEMINI_API_KEY'`; `'google-ai'` gives `'GOOGLE_AI_API_KEY'`.
 * @throws {@link InvalidOptionError} when `service` is not a string with a letter or digit.
 */
export function keyVariablePrefix(service: string): string {
  if (typeof service !== 'string' || !/[A-Za-z0-9]/.test(service))
    throw new InvalidOptionError(
      'service',
      'a name with a letter or digit, e.g. "gemini"',
      service,
    );
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
}

/** What a variable name means for a service's keys. */
export type KeyVariable =
  /**
   * A key: `<PREFIX>` (`number` is `undefined`) or `<PREFIX>_<n>` (`number`
   * is `n`'s digits without leading zeros, kept as a string so any length
   * orders right).
   */
  | { readonly kind: 'key'; readonly number: string | undefined }
  /** A quota group for the key named `keyName`: `<PREFIX>_PROJECT` or `<PREFIX>_<n>_PROJECT`. */
  | { readonly kind: 'project'; readonly keyName: string };

/**
 * Classifies `name` as one of `prefix`'s key or `_PROJECT` variables, or
 * `undefined` when it is neither.
 */
export function classifyVariable(prefix: string, name: string): KeyVariable | undefined {
  if (name === prefix) return { kind: 'key', number: undefined };
  if (!name.startsWith(`${prefix}_`)) return undefined;
  const rest = name.slice(prefix.length + 1);
  if (/^\d+$/.test(rest)) return { kind: 'key', number: rest.replace(/^0+(?=\d)/, '') };
  if (rest === 'PROJECT') return { kind: 'project', keyName: prefix };
  const numbered = /^(\d+)_PROJECT$/.exec(rest);
  if (numbered) return { kind: 'project', keyName: `${prefix}_${numbered[1]}` };
  return undefined;
}

/**
 * Orders key variables: the unnumbered key first, then by number (`_2`
 * before `_10`), ties (`_1` and `_01`) by name.
 */
export function compareKeyVariables(
  a: { readonly name: string; readonly number: string | undefined },
  b: { readonly name: string; readonly number: string | undefined },
): number {
  if (a.number !== b.number) {
    if (a.number === undefined) return -1;
    if (b.number === undefined) return 1;
    if (a.number.length !== b.number.length) return a.number.length - b.number.length;
    return a.number < b.number ? -1 : 1;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
