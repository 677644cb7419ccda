import type { ApiKey } from './api-key.js';

/** One compiled pattern per key list, so repeated calls cost one regex pass. */
const cache = new WeakMap<
  readonly ApiKey[],
  { pattern: RegExp | undefined; names: Map<string, string> }
>();

/**
 * Replaces every occurrence of a key's secret in `text` with `<name>` (the
 * key's name in angle brackets), for messages from SDKs or servers that may
 * echo a key. One pass over the text with one regular expression per key
 * list (compiled once and cached for that array); a secret that contains
 * another is matched first.
 *
 * @example
 * ```ts
 * redactSecrets(`bad key AIzaXYZ`, keys); // 'bad key <GEMINI_API_KEY_2>'
 * ```
 */
export function redactSecrets(text: string, keys: readonly ApiKey[]): string {
  let compiled = cache.get(keys);
  if (compiled === undefined) {
    compiled = compile(keys);
    cache.set(keys, compiled);
  }
  const { pattern, names } = compiled;
  if (pattern === undefined || text === '') return text;
  return text.replace(pattern, (secret) => `<${names.get(secret) ?? 'redacted'}>`);
}

function compile(keys: readonly ApiKey[]): {
  pattern: RegExp | undefined;
  names: Map<string, string>;
} {
  const names = new Map<string, string>();
  for (const key of keys) {
    const secret = key.reveal();
    if (secret !== '' && !names.has(secret)) names.set(secret, key.name);
  }
  if (names.size === 0) return { pattern: undefined, names };
  const alternatives = [...names.keys()]
    .sort((a, b) => b.length - a.length)
    .map((secret) => secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return { pattern: new RegExp(alternatives.join('|'), 'g'), names };
}
